package io.vigil.agent.daemon;

import io.vigil.agent.api.ClientTls;
import io.vigil.agent.api.WriteApi;
import io.vigil.agent.ha.Action;
import io.vigil.agent.ha.NodeSettings;
import io.vigil.agent.ha.Observation;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.ConfigReload;
import io.vigil.config.CtlConfig;
import io.vigil.config.DynamicConfig;
import io.vigil.config.RestApiConfig;
import io.vigil.config.RestApiTls;
import io.vigil.config.VigilConfig;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsException;
import io.vigil.dcs.ZooKeeperDcs;
import io.vigil.postgres.LocalPostgres;
import io.vigil.postgres.PgpassEntry;
import io.vigil.postgres.PostgresException;
import io.vigil.restapi.Allowlist;
import io.vigil.restapi.BasicCredentials;
import io.vigil.restapi.RestApiException;
import io.vigil.restapi.RestApiServer;
import io.vigil.restapi.ServerTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Vigil agent: its REST API, its ZooKeeper session, its PostgreSQL and the HA loop tying them
 * together. The daemon runs one; the demo runs three in one process.
 */
public final class Node implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private volatile VigilConfig config;
  private final Optional<Path> source;
  private final LocalPostgres pg;
  private final PublishedStatus published;
  private final DecisionLog decisions = new DecisionLog();
  private volatile Dcs dcs;
  private RestApiServer rest;
  private volatile HaLoop loop;
  private Thread loopThread;
  private WalsenderWatch walsenders;
  private volatile ActionExecutor executor;
  private volatile Guardian guardian;
  private volatile LockKeeper keeper;
  private volatile boolean closed;
  private NodeControl control;
  private final FailsafeState failsafe = new FailsafeState();
  /** TLS of the calls to other agents; renewed by a reload like the REST API's own certificate. */
  private volatile ClientTls peers;
  /** One at a time and in order, so that the last reload's files and allowlist are the ones in force. */
  private final ExecutorService restReloads = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "vigil-rest-reload");
    t.setDaemon(true);
    return t;
  });

  /** A node whose configuration is not re-read on reload (it has no file). */
  public Node(VigilConfig config) {
    this(config, null);
  }

  /** @param source the YAML file (or directory) {@code config} was read from; a reload reads it again */
  public Node(VigilConfig config, Path source) {
    this.config = config;
    this.source = Optional.ofNullable(source);
    this.pg = new LocalPostgres(NodeWiring.postgres(config));
    this.published = new PublishedStatus(config.scope(), config.tags().asMemberTags(), Clock.SYSTEM);
  }

  /** Checks the local preconditions, then starts REST, ZooKeeper and the loop. */
  public void start() throws StartupException {
    LogLevel.apply(config.logLevel());
    LogFile.apply(config.logFile());
    checkLocal();
    DynamicConfig dynamic = DynamicConfig.fromMap(config.bootstrap().dcs());
    dynamic.validateTiming().ifPresent(w -> LOG.warn("bootstrap.dcs: {}", w));
    NodeSettings settings = NodeWiring.node(config, dynamic);
    writePgpass();
    try {
      peers = ClientTls.forPeers(CtlConfig.forClient(config.raw(), Map.of()));
    } catch (ConfigException | IllegalArgumentException e) {
      throw new StartupException(2, e.getMessage()); // a TLS file of the ctl or restapi section cannot be used
    }
    control = new NodeControl(config.name(), () -> dcs, () -> loop, () -> executor, this::reread, failsafe,
        Clock.SYSTEM);
    try {
      rest = new RestApiServer(config.restapi().listen().host(), config.restapi().listen().port(), published,
          config.restapi().authentication().map(c -> new BasicCredentials(c.username(), c.password())),
          WriteApi.endpoints(control, () -> peers), config.restapi().tls().map(Node::serverTls), allowlist(config.restapi()))
          .withListenerOptions(config.restapi().extraHeaders(), config.restapi().requestQueueSize());
    } catch (IllegalArgumentException e) {
      throw new StartupException(2, e.getMessage()); // a TLS file or allowlist entry that cannot be used
    }
    try {
      rest.start();
    } catch (RestApiException e) {
      throw new StartupException(1, "restapi.listen " + config.restapi().listen() + ": " + e.getMessage());
    }
    try {
      dcs = ZooKeeperDcs.connect(NodeWiring.dcs(config, dynamic));
    } catch (IllegalArgumentException e) {
      throw new StartupException(2, e.getMessage()); // a TLS file of the zookeeper section cannot be used
    }
    published.trackDcsContact(dcs::millisSinceLastContact, Math.max(dynamic.loopWait() - 2, 2) * 1000L);
    checkNameNotInUse(settings);
    guardian = new Guardian(config.watchdog(), config.postgresql().dataDir(), Guardian.locateBinary(), Clock.SYSTEM);
    keeper = new LockKeeper(dcs, guardian, config.name(), Clock.SYSTEM);
    executor = new ActionExecutor(config, pg, dcs, published, guardian, keeper);
    executor.onFailsafeWritten(failsafe::wroteTopology);
    Observer observer = new Observer(dcs, pg, new PeerClient(() -> peers), Clock.SYSTEM);
    observer.guards(guardian::observe);
    observer.failsafe(failsafe, new FailsafeClient(config.restapi().authentication()
        .map(c -> Map.entry(c.username(), c.password())), () -> peers));
    loop = new HaLoop(observer, executor, published, decisions, settings, Clock.SYSTEM);
    dcs.onChange(loop::wakeUp);
    observer.onPostmasterExit(loop::wakeUp);
    walsenders = new WalsenderWatch(pg, loop::wakeUp);
    loop.onObservation(o -> walsenders.arm(o.pg().isPrimary() && o.settings().dynamic().synchronousMode().enabled()));
    loopThread = new Thread(loop, "ha-loop-" + config.name());
    loopThread.start();
    LOG.info("Vigil {} started: member {} of cluster {} (REST {}, PostgreSQL {})", Version.VIGIL, config.name(),
        config.scope(), restPort(), config.postgresql().listen());
  }

  /** SIGHUP: the same as {@code POST /reload}; returns at once, the HA loop applies it between cycles. */
  public void reload() {
    if (control != null) {
      control.reload();
    }
  }

  /**
   * Reads the configuration file again and merges it with the running one; empty when this node has no file.
   * The merged configuration becomes this node's own.
   */
  private Optional<ConfigReload> reread() throws ConfigException {
    if (source.isEmpty()) {
      return Optional.empty();
    }
    ConfigReload reload = ConfigReload.of(config, ConfigLoader.load(source.get()));
    config = reload.effective();
    LogLevel.apply(config.logLevel());
    LogFile.apply(config.logFile());
    VigilConfig reloaded = config;
    // Off the HA loop: the allowlist may name hosts, and a slow resolver must not hold a cycle back.
    restReloads.execute(() -> reloadRestApi(reloaded));
    return Optional.of(reload);
  }

  /**
   * Swaps a renewed certificate and the allowlist into the running REST API, and a renewed client certificate into
   * the calls to other agents. Whatever cannot be used is named in one line and the running one stays, so a
   * botched renewal never takes the health checks down.
   */
  private void reloadRestApi(VigilConfig reloaded) {
    RestApiConfig restapi = reloaded.restapi();
    try {
      peers = ClientTls.forPeers(CtlConfig.forClient(reloaded.raw(), Map.of()));
    } catch (ConfigException | IllegalArgumentException e) {
      LOG.warn("calls to other agents keep their running client certificate: {}", e.getMessage());
    }
    if (restapi.tls().isPresent() && rest.certificateSerial().isPresent()) {
      try {
        if (rest.reloadCertificates(serverTls(restapi.tls().get()))) {
          LOG.info("REST API serves the reloaded certificate (serial {})", rest.certificateSerial().get().toString(16));
        }
      } catch (IllegalArgumentException e) {
        LOG.warn("REST API keeps its running certificate: {}", e.getMessage());
      }
    }
    try {
      rest.allowlist(allowlist(restapi));
    } catch (IllegalArgumentException e) {
      LOG.warn("REST API keeps its running allowlist: {}", e.getMessage());
    }
  }

  private static ServerTls serverTls(RestApiTls tls) {
    return new ServerTls(tls.certfile(), tls.keyfile(), tls.keyfilePassword(), tls.cafile(), tls.ciphers(),
        ServerTls.ClientCertificates.valueOf(tls.verifyClient().name()));
  }

  private Allowlist allowlist(RestApiConfig restapi) {
    return Allowlist.of(restapi.allowlist(), restapi.allowlistIncludeMembers(), published::memberApiUrls);
  }

  /** What the REST API currently reports for this node. */
  public io.vigil.restapi.NodeStatus status() {
    return published.status();
  }

  public int restPort() {
    return rest.port();
  }

  public VigilConfig config() {
    return config;
  }

  public DecisionLog decisions() {
    return decisions;
  }

  /** Completes when the HA loop decides the agent must exit (e.g. data of another cluster). */
  public CompletableFuture<Action.Exit> exit() {
    return loop.exit();
  }

  private void checkLocal() throws StartupException {
    try {
      pg.checkBinaries();
    } catch (PostgresException e) {
      throw new StartupException(2, "postgresql.bin_dir " + e.getMessage());
    }
    Path dataDir = config.postgresql().dataDir();
    if (Files.exists(dataDir, LinkOption.NOFOLLOW_LINKS)) {
      String expected = pg.settings().runAsUser().orElse(System.getProperty("user.name"));
      try {
        String owner = Files.getOwner(dataDir).getName();
        if (!owner.equals(expected)) {
          throw new StartupException(2, "postgresql.data_dir " + dataDir + " is owned by " + owner
              + ", but PostgreSQL runs as " + expected + "; refusing to touch it");
        }
      } catch (IOException e) {
        throw new StartupException(2, "postgresql.data_dir " + dataDir + ": " + e.getMessage());
      }
    }
  }

  private void writePgpass() throws StartupException {
    var p = config.postgresql();
    List<PgpassEntry> entries = new ArrayList<>();
    entries.add(new PgpassEntry("*", "*", "*", p.replication().username(), p.replication().password()));
    entries.add(new PgpassEntry("*", "*", "*", p.superuser().username(), p.superuser().password()));
    try {
      pg.writePgpass(entries);
    } catch (PostgresException e) {
      throw new StartupException(2, "postgresql.pgpass " + e.getMessage());
    }
  }

  /**
   * A member key with our name owned by another session is either a previous run of ours (its
   * session not expired yet: reclaim it) or another live agent (refuse to start). The live one
   * answers on its REST API.
   */
  private void checkNameNotInUse(NodeSettings settings) throws StartupException {
    ClusterView view;
    try {
      view = dcs.read();
    } catch (DcsException e) {
      LOG.warn("ZooKeeper is not reachable yet ({}); will keep retrying", e.getMessage());
      return;
    }
    var existing = view.member(config.name()).filter(m -> m.session() != dcs.sessionId());
    if (existing.isEmpty()) {
      return;
    }
    var peer = new PeerClient(() -> peers).poll(List.of(existing.get())).get(0);
    String url = existing.get().apiUrl().orElse("");
    if (peer.reachable() && !url.equals(settings.apiUrl())) {
      close();
      throw new StartupException(1, "name: member '" + config.name() + "' is already used by a live member ("
          + url + ")");
    }
  }

  /**
   * SIGTERM: stop PostgreSQL, release the lock, close the session; while paused, leave PostgreSQL
   * running. Returns false when the node was already closed (nothing was done).
   */
  public boolean shutdown() {
    if (closed) {
      return false;
    }
    LOG.info("shutting down");
    if (loop != null) {
      loop.stop();
      joinLoop();
      boolean paused = loop.settings().dynamic().pause();
      Optional<Observation> last = loop.lastObservation();
      boolean leader = last.map(Observation::holdsLock).orElse(false);
      // The agent is in charge until it exits: a slow stop must not end as the fence's immediate one.
      guardian.disarm();
      published.dropLock();
      if (!paused) {
        published.postgresStopping();
        executor.stopForShutdown(last.map(o -> o.pg().isPrimary()).orElse(false));
      }
      if (leader && !paused) {
        OptionalLong optime = lastCheckpoint();
        executor.releaseLock(optime);
      }
    }
    close();
    LOG.info("shutdown complete");
    return true;
  }

  private void joinLoop() {
    try {
      loopThread.join(Duration.ofSeconds(config.postgresql().pgCtlTimeout() + 30L).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** After a clean stop the shutdown checkpoint is the last WAL position replicas must reach. */
  private OptionalLong lastCheckpoint() {
    try {
      return OptionalLong.of(pg.controlData().latestCheckpointLsn());
    } catch (PostgresException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (loop != null) {
      loop.stop();
    }
    if (walsenders != null) {
      walsenders.close();
    }
    if (keeper != null) {
      keeper.close();
    }
    if (guardian != null) {
      guardian.close();
    }
    if (dcs != null) {
      dcs.close();
    }
    restReloads.shutdownNow();
    if (rest != null) {
      rest.close();
    }
  }

  /** A reason the agent cannot start, with the process exit status. */
  public static final class StartupException extends Exception {
    private final int exitCode;

    public StartupException(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }
}
