package io.vigil.agent.durability;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.config.ConfigLoader;
import io.vigil.config.VigilConfig;
import io.vigil.dcs.EmbeddedZooKeeper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/**
 * The cluster under test, on this machine: either one the checker starts itself (an embedded ZooKeeper in this
 * JVM, three agents as their own OS processes, {@code java -jar vigil.jar patroni.yml}, as scripts/vigil runs
 * them) or a running one given by its members' configuration files. It finds the agent and postmaster of each
 * member, sends them signals, restarts killed agents, and reads the leader and {@code /sync} from ZooKeeper.
 */
final class LocalCluster implements AutoCloseable {

  static final String SCOPE = "durability";
  private static final String MARKER = ".vigil-durability";
  private static final String PG_BIN = "/usr/lib/postgresql/15/bin";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One member: its configuration and, for an agent this checker started, its process. */
  static final class Member {
    final String name;
    final Path config;
    final VigilConfig cfg;
    Process process;
    /** How a running cluster's agent was started (argv, cwd, uid, gid, environment): to start it again. */
    AgentCommand command;
    boolean stopped;

    Member(Path config, VigilConfig cfg) {
      this.name = cfg.name();
      this.config = config;
      this.cfg = cfg;
    }
  }

  record AgentCommand(List<String> argv, Path cwd, int uid, int gid, Map<String, String> env) {}

  final List<Member> members = new ArrayList<>();
  final boolean owned;
  final Path dir;
  private final EmbeddedZooKeeper zk;
  private final String zkConnect;
  private final String basePath;
  private final CuratorFramework curator;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final boolean root = "root".equals(System.getProperty("user.name"));

  private LocalCluster(boolean owned, Path dir, EmbeddedZooKeeper zk, List<Member> members) {
    this.owned = owned;
    this.dir = dir;
    this.zk = zk;
    this.members.addAll(members);
    VigilConfig first = members.get(0).cfg;
    this.zkConnect = String.join(",", first.zookeeper().hosts());
    this.basePath = first.basePath();
    this.curator = CuratorFrameworkFactory.builder().connectString(zkConnect).retryPolicy(new RetryOneTime(200))
        .sessionTimeoutMs(10_000).connectionTimeoutMs(3_000).build();
    this.curator.start();
  }

  // ---- setting up -------------------------------------------------------------------------------------

  /** Writes three members' files under {@code dir} (wiped when it is an earlier run's), starts ZooKeeper and the agents. */
  static LocalCluster start(Options o, Path dir) throws IOException {
    prepareDir(dir);
    EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir.resolve("zookeeper"), 0);
    List<Member> ms = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Path yml = writeConfig(dir, "n" + i, zk.connectString(), freePort(), freePort(), o);
      ms.add(new Member(yml, ConfigLoader.load(yml)));
    }
    LocalCluster c = new LocalCluster(true, dir, zk, ms);
    for (Member m : c.members) {
      c.startAgent(m);
    }
    return c;
  }

  /** A running cluster: its members' configuration files, and agent processes found through /proc. */
  static LocalCluster attach(List<Path> configs, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Member> ms = new ArrayList<>();
    for (Path p : configs) {
      ms.add(new Member(p, ConfigLoader.load(p)));
    }
    LocalCluster c = new LocalCluster(false, dir, null, ms);
    for (Member m : c.members) {
      c.agentPid(m).ifPresent(pid -> m.command = capture(pid));
    }
    return c;
  }

  private static void prepareDir(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isPresent() && !Files.exists(dir.resolve(MARKER))) {
          throw new IOException(dir + " exists and is not a durability checker's directory; remove it or use --dir");
        }
      }
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(dir.resolve(MARKER), "directory of a `vigil durability` run; wiped by the next run\n");
  }

  private static Path writeConfig(Path dir, String name, String zk, int rest, int pg, Options o) throws IOException {
    Path nodeDir = dir.resolve(name);
    Files.createDirectories(nodeDir);
    String sync = switch (o.mode()) {
      case "sync" -> "    synchronous_mode: true\n";
      case "strict" -> "    synchronous_mode: true\n    synchronous_mode_strict: true\n";
      default -> "";
    };
    // The scenario harness's configuration (gen_configs.sh) with this run's ports, paths, timing and mode.
    String yml = """
        scope: %1$s
        namespace: /service/
        name: %2$s
        restapi:
          listen: 127.0.0.1:%3$d
          connect_address: 127.0.0.1:%3$d
        zookeeper:
          hosts:
          - %4$s
        bootstrap:
          dcs:
            ttl: %8$d
            loop_wait: %9$d
            retry_timeout: %10$d
            maximum_lag_on_failover: 1048576
        %11$s    postgresql:
              use_pg_rewind: true
              use_slots: true
              remove_data_directory_on_rewind_failure: true
              remove_data_directory_on_diverged_timelines: true
              parameters:
                wal_level: replica
                hot_standby: 'on'
                max_connections: 100
                max_wal_senders: 10
                max_replication_slots: 10
                wal_keep_size: 128MB
                wal_log_hints: 'on'
          initdb:
          - encoding: UTF8
          - locale: C.UTF-8
          - data-checksums
          pg_hba:
          - local all all trust
          - host replication replicator 127.0.0.1/32 md5
          - host all all 127.0.0.1/32 md5
        postgresql:
          listen: 127.0.0.1:%5$d
          connect_address: 127.0.0.1:%5$d
          data_dir: %6$s/data
          bin_dir: %7$s
          pgpass: %6$s/pgpass
          basebackup:
          - checkpoint: fast
          authentication:
            replication:
              username: replicator
              password: durability-repl
            superuser:
              username: postgres
              password: durability-su
          parameters:
            unix_socket_directories: '%6$s'
            shared_buffers: 32MB
        watchdog:
          mode: 'off'
        """.formatted(SCOPE, name, rest, zk, pg, nodeDir, PG_BIN, o.ttl(), o.loopWait(), o.retryTimeout(),
        sync);
    Path file = nodeDir.resolve("patroni.yml");
    Files.writeString(file, yml);
    if ("root".equals(System.getProperty("user.name"))) {
      chownToPostgres(nodeDir);
    }
    return file;
  }

  private static void chownToPostgres(Path p) throws IOException {
    UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(p, users.lookupPrincipalByName("postgres"));
    Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(users.lookupPrincipalByGroupName("postgres"));
  }

  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  static synchronized int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }

  // ---- processes --------------------------------------------------------------------------------------

  /** The vigil.jar this checker runs from, or the one named by {@code -Dvigil.jar} (tests run from classes). */
  static Path jar() {
    String prop = System.getProperty("vigil.jar");
    if (prop != null) {
      return Path.of(prop).toAbsolutePath();
    }
    try {
      return Path.of(LocalCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      throw new IllegalStateException("cannot tell where vigil.jar is; pass -Dvigil.jar=...", e);
    }
  }

  void startAgent(Member m) throws IOException {
    Path log = dir.resolve(m.name + "-agent.log");
    ProcessBuilder pb;
    if (owned) {
      String java = ProcessHandle.current().info().command().orElse("java");
      pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar",
          jar().toString(), m.config.toString());
    } else {
      if (m.command == null) {
        throw new IOException("no agent process was found for " + m.config + " when the checker started");
      }
      List<String> argv = new ArrayList<>();
      if (m.command.uid() != uid()) {
        argv.addAll(List.of("setpriv", "--reuid=" + m.command.uid(), "--regid=" + m.command.gid(), "--init-groups"));
      }
      argv.addAll(m.command.argv());
      pb = new ProcessBuilder(argv).directory(m.command.cwd().toFile());
      pb.environment().clear();
      pb.environment().putAll(m.command.env());
    }
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    m.process = pb.start();
    m.stopped = false;
  }

  /** The member's agent process: the one this checker started, else a java process whose arguments name its file. */
  Optional<Long> agentPid(Member m) {
    if (m.process != null) {
      return m.process.isAlive() ? Optional.of(m.process.pid()) : Optional.empty();
    }
    if (owned) {
      return Optional.empty();
    }
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        List<String> argv = cmdline(p);
        if (argv.isEmpty() || !Path.of(argv.get(0)).getFileName().toString().startsWith("java")) {
          continue;
        }
        Path cwd;
        try {
          cwd = Files.readSymbolicLink(p.resolve("cwd"));
        } catch (IOException e) {
          continue;
        }
        for (String a : argv.subList(1, argv.size())) {
          if (!a.startsWith("-") && cwd.resolve(a).normalize().equals(m.config)) {
            return Optional.of(Long.parseLong(p.getFileName().toString()));
          }
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static List<String> cmdline(Path proc) {
    try {
      String raw = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
      return raw.isEmpty() ? List.of() : List.of(raw.split("\0"));
    } catch (IOException e) {
      return List.of();
    }
  }

  private static AgentCommand capture(long pid) {
    Path p = Path.of("/proc", Long.toString(pid));
    try {
      Map<String, String> env = new LinkedHashMap<>();
      for (String kv : new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8).split("\0")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
      int uid = -1;
      int gid = -1;
      for (String line : Files.readAllLines(p.resolve("status"))) {
        if (line.startsWith("Uid:")) {
          uid = Integer.parseInt(line.split("\\s+")[1]);
        } else if (line.startsWith("Gid:")) {
          gid = Integer.parseInt(line.split("\\s+")[1]);
        }
      }
      return new AgentCommand(cmdline(p), Files.readSymbolicLink(p.resolve("cwd")), uid, gid, env);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static int uid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.split("\\s+")[1]);
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return -1;
  }

  /** The postmaster named by the data directory's postmaster.pid, when that process is alive and is a postgres. */
  Optional<Long> postmasterPid(Member m) {
    Path pidFile = m.cfg.postgresql().dataDir().resolve("postmaster.pid");
    try {
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      List<String> argv = cmdline(Path.of("/proc", Long.toString(pid)));
      return !argv.isEmpty() && argv.get(0).contains("postgres") ? Optional.of(pid) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** {@code kill -SIG pid}; false when it could not be sent. */
  static boolean signal(long pid, String sig) {
    try {
      Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void awaitGone(long pid, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }

  // ---- what the cluster says --------------------------------------------------------------------------

  Optional<Member> member(String name) {
    return members.stream().filter(m -> m.name.equals(name)).findFirst();
  }

  /** The holder of the leader lock, from ZooKeeper. */
  Optional<String> leader() {
    try {
      byte[] b = curator.getData().forPath(basePath + "/leader");
      return Optional.of(new String(b, StandardCharsets.UTF_8).trim());
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** {@code sync_standby} of the {@code /sync} znode, when it names standbys of the current leader. */
  List<String> syncStandbys() {
    try {
      Map<?, ?> sync = JSON.readValue(curator.getData().forPath(basePath + "/sync"), Map.class);
      Object leader = sync.get("leader");
      Object standby = sync.get("sync_standby");
      if (leader == null || standby == null || !leader.equals(leader().orElse(null))) {
        return List.of();
      }
      return Stream.of(standby.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    } catch (Exception e) {
      return List.of();
    }
  }

  /** The dynamic configuration in ZooKeeper ({@code /config}); empty when unreadable. */
  @SuppressWarnings("unchecked")
  Map<String, Object> dynamicConfig() {
    return znode("/config", Map.class, Map.of());
  }

  /** The lines of {@code /history} (timeline, LSN, reason, time, new leader); empty when there is none. */
  @SuppressWarnings("unchecked")
  List<List<Object>> history() {
    return znode("/history", List.class, List.of());
  }

  /** The cluster's znode {@code key} read as JSON of {@code type}; {@code absent} when missing or unreadable. */
  private <T> T znode(String key, Class<T> type, T absent) {
    try {
      return JSON.readValue(curator.getData().forPath(basePath + key), type);
    } catch (Exception e) {
      return absent;
    }
  }

  /** The status of a request to the member's REST API; -1 when it does not answer. */
  int rest(Member m, String method, String path) {
    return restCall(m, method, path, null).map(HttpResponse::statusCode).orElse(-1);
  }

  Optional<HttpResponse<String>> restCall(Member m, String method, String path, String jsonBody) {
    var a = m.cfg.restapi().connectAddress();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + a.host() + ":" + a.port() + path))
        .timeout(Duration.ofSeconds(jsonBody == null ? 2 : 40))
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (jsonBody != null) {
      b.header("Content-Type", "application/json");
    }
    m.cfg.restapi().authentication().ifPresent(c -> b.header("Authorization", "Basic " + Base64.getEncoder()
        .encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8))));
    try {
      return Optional.of(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  Connection connect(Member m) throws SQLException {
    var pg = m.cfg.postgresql();
    Properties p = new Properties();
    p.setProperty("user", pg.superuser().username());
    p.setProperty("password", pg.superuser().password());
    p.setProperty("connectTimeout", "2");
    p.setProperty("socketTimeout", "10");
    p.setProperty("ApplicationName", "vigil-durability-check");
    return DriverManager.getConnection("jdbc:postgresql://" + pg.connectAddress().host() + ":"
        + pg.connectAddress().port() + "/" + pg.database(), p);
  }

  /** The member PostgreSQL that answers as a primary, with the names of the standbys streaming from it. */
  record Health(Optional<Member> primary, List<String> streaming) {
    boolean healthy(int size) {
      return primary.isPresent() && streaming.size() == size - 1;
    }
  }

  Health health() {
    for (Member m : members) {
      if (rest(m, "GET", "/primary") != 200) {
        continue;
      }
      List<String> streaming = new ArrayList<>();
      try (Connection c = connect(m); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'")) {
        while (rs.next()) {
          streaming.add(rs.getString(1));
        }
      } catch (SQLException e) {
        continue;
      }
      return new Health(Optional.of(m), streaming);
    }
    return new Health(Optional.empty(), List.of());
  }

  /** One primary, every other member a streaming replica answering {@code /replica} with 200. */
  boolean healthy() {
    Health h = health();
    return h.healthy(members.size()) && members.stream().filter(m -> m != h.primary().get())
        .allMatch(m -> rest(m, "GET", "/replica") == 200);
  }

  boolean awaitHealthy(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (healthy()) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  // ---- healing and stopping ---------------------------------------------------------------------------

  /** SIGCONT to every agent, and a new agent for every member whose agent is gone; returns what was done. */
  List<String> heal() throws IOException {
    List<String> done = new ArrayList<>();
    for (Member m : members) {
      Optional<Long> pid = agentPid(m);
      if (pid.isPresent()) {
        signal(pid.get(), "CONT");
        if (m.stopped) {
          done.add("SIGCONT " + m.name);
          m.stopped = false;
        }
      } else if (owned || m.command != null) {
        startAgent(m);
        done.add("started the agent of " + m.name);
      }
    }
    return done;
  }

  @Override
  public void close() {
    curator.close();
    if (!owned) {
      return;
    }
    // replicas first, so the leader's stop does not cause a failover on the way out
    String leader = leader().orElse("");
    List<Member> order = new ArrayList<>(members.stream().filter(m -> !m.name.equals(leader)).toList());
    member(leader).ifPresent(order::add);
    for (Member m : order) {
      if (m.process != null && m.process.isAlive()) {
        signal(m.process.pid(), "CONT");
        m.process.destroy();
        try {
          if (!m.process.waitFor(60, TimeUnit.SECONDS)) {
            m.process.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          m.process.destroyForcibly();
        }
      }
      // a postmaster whose agent was killed, or that outlived a forced stop
      postmasterPid(m).ifPresent(pid -> signal(pid, "QUIT"));
    }
    zk.close();
  }
}
