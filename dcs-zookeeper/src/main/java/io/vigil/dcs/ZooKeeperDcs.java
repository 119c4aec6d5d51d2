package io.vigil.dcs;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.common.X509Exception;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Dcs} on ZooKeeper through Curator, wire-compatible with Patroni 3.x/4.x agents sharing the cluster.
 *
 * <p>Client settings follow Patroni: session timeout = ttl; connect timeout = max(1, loop_wait/2) s; Curator's
 * own retries are off and {@link ZkCalls} applies the {@code retry_timeout} deadline. A dead or silent server
 * is detected after about max(loop_wait - 2, 2) s (see {@link LivenessProbe}), not 2/3 of the session timeout.
 *
 * <p>{@link #releaseLeader} deletes the lock znode instead of restarting the session as Patroni does, so the
 * member znode survives and peers see only the lock disappear, which is all they look at.
 */
public final class ZooKeeperDcs implements Dcs {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperDcs.class);
    private static final int REACH_TIMEOUT_MS = 2000;
    private static final long UNREACHABLE_RECHECK_MS = 30_000;

    private final CuratorFramework client;
    private final ClusterPaths paths;
    private final String memberName;
    private final ChangeNotifier notifier = new ChangeNotifier();
    private final SessionMonitor monitor = new SessionMonitor(notifier);
    private final ZkCalls calls;
    private final ClusterReader reader;
    private final KeyWriter keys;
    private final LeaderLock leaderLock;
    private final MemberPublisher memberPublisher;
    private final LivenessProbe probe;
    private final ZooKeeperTls.Material tlsMaterial;
    private final TlsProbe tlsProbe;
    private final ServerReachability reachability;
    private OptionalLong lastStatusOptime = OptionalLong.empty();
    private Map<String, Long> lastStatusSlots = Map.of();
    private boolean closed;

    private ZooKeeperDcs(ZooKeeperDcsSettings settings, CuratorFramework client, ZooKeeperTls.Material tlsMaterial) {
        this.client = client;
        this.tlsMaterial = tlsMaterial;
        this.paths = new ClusterPaths(settings.basePath());
        this.memberName = settings.memberName();
        this.calls = new ZkCalls(client, monitor, settings.retryTimeoutMs());
        this.reader = new ClusterReader(client, paths, memberName, notifier);
        this.keys = new KeyWriter(client);
        this.leaderLock = new LeaderLock(client, paths.leader(), memberName);
        this.memberPublisher = new MemberPublisher(client, paths.member(memberName));
        client.getConnectionStateListenable().addListener(monitor);
        this.reachability = new ServerReachability(settings.connectString(),
                Math.min(settings.connectionTimeoutMs(), REACH_TIMEOUT_MS), UNREACHABLE_RECHECK_MS);
        client.getConnectionStateListenable().addListener(reachability);
        client.start();
        this.probe = new LivenessProbe(client, paths.base(), monitor, settings.livenessProbeIntervalMs());
        this.tlsProbe = tlsMaterial == null ? null : tlsProbe(settings, tlsMaterial);
    }

    private TlsProbe tlsProbe(ZooKeeperDcsSettings settings, ZooKeeperTls.Material material) {
        try (ClientX509Util x509 = new ClientX509Util()) {
            return new TlsProbe(settings.connectString(), x509.createSSLContextAndOptions(material.config).getSSLContext(),
                    settings.tls().orElseThrow(), () -> client.getZookeeperClient().isConnected(), monitor,
                    settings.connectionTimeoutMs() + 500L, Math.max(5_000L, settings.loopWaitSeconds() * 1000L));
        } catch (X509Exception.SSLContextException e) {
            LOG.warn("no TLS diagnosis for ZooKeeper: {}", ZooKeeperTls.oneLine(e));
            return null;
        }
    }

    /**
     * Starts connecting in the background and returns at once; operations fail with DcsException until connected.
     * With TLS the key and certificate files are read first.
     *
     * @throws IllegalArgumentException when a TLS file cannot be used (wrong key password, no certificate in the
     *                                  CA file, ...); the one-line message names the configuration key
     */
    public static ZooKeeperDcs connect(ZooKeeperDcsSettings settings) {
        ZKClientConfig clientConfig = new ZKClientConfig();
        ZooKeeperTls.Material tlsMaterial = null;
        if (settings.tls().isPresent()) {
            settings.tls().get().check();
            tlsMaterial = settings.tls().get().apply(clientConfig);
        }
        // An unanswered request drops the connection after this long (see LivenessProbe).
        clientConfig.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Integer.toString(settings.livenessTimeoutMs()));
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(settings.connectString())
                .sessionTimeoutMs(settings.sessionTimeoutMs())
                .connectionTimeoutMs(settings.connectionTimeoutMs())
                .retryPolicy(new RetryNTimes(0, 0))
                // Use the configured servers as given, like Patroni; don't follow dynamic reconfiguration.
                .ensembleTracker(false)
                .zkClientConfig(clientConfig)
                .aclProvider(aclProvider(settings.acls()))
                .build();
        return new ZooKeeperDcs(settings, client, tlsMaterial);
    }

    /** set_acls as the ACL of every znode created, parents included (kazoo's default_acl); else ZooKeeper's open one. */
    private static ACLProvider aclProvider(List<ACL> acls) {
        List<ACL> chosen = acls.isEmpty() ? org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE : acls;
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return chosen;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return chosen;
            }
        };
    }

    @Override
    public ClusterView read() throws DcsException {
        return calls.retrying("read cluster", session -> reader.read());
    }

    @Override
    public boolean attemptInitialize() throws DcsException {
        return calls.retrying("attempt initialize", session -> {
            try {
                client.create().creatingParentsIfNeeded().forPath(paths.initialize(), new byte[0]);
                return true;
            } catch (KeeperException.NodeExistsException e) {
                return false;
            }
        });
    }

    @Override
    public void setInitialize(String sysid) throws DcsException {
        byte[] value = Objects.requireNonNull(sysid, "sysid").getBytes(StandardCharsets.UTF_8);
        calls.retrying("set initialize", session -> keys.put(paths.initialize(), value));
    }

    @Override
    public void cancelInitialize() throws DcsException {
        calls.retrying("cancel initialize", session -> {
            try {
                Stat stat = new Stat();
                client.getData().storingStatIn(stat).forPath(paths.initialize());
                client.delete().withVersion(stat.getVersion()).forPath(paths.initialize());
            } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
                // Gone already, or rewritten by a successful bootstrap meanwhile: not ours to delete.
                LOG.info("initialize key not deleted: {}", e.code());
            }
            return null;
        });
    }

    @Override
    public boolean writeConfig(Map<String, Object> config, OptionalInt expectedVersion) throws DcsException {
        byte[] value = WireFormat.compactJson(config);
        return calls.retrying("write config", session -> keys.setOrCreate(paths.config(), value, expectedVersion));
    }

    @Override
    public synchronized boolean attemptLeader() throws DcsException {
        boolean won = calls.retrying("acquire leader lock", leaderLock::acquire);
        if (won) {
            // A new term: the first status write must happen even if the optime equals an old one.
            lastStatusOptime = OptionalLong.empty();
        }
        return won;
    }

    @Override
    public boolean refreshLeader(ClusterView view) throws DcsException {
        if (view.isLockedBy(memberName, CuratorSessions.currentSession(client))) {
            return true;
        }
        if (view.isLockedBy(memberName)) {
            LOG.warn("leader lock {} is owned by another session; re-creating it under this one", paths.leader());
        }
        return calls.retrying("refresh leader lock", session -> leaderLock.refresh(view, session));
    }

    @Override
    public boolean renameLeader() throws DcsException {
        LOG.warn("leader lock {} is owned by this session but names another member: writing {} back", paths.leader(),
                memberName);
        return calls.retrying("rename leader lock", leaderLock::rename);
    }

    @Override
    public synchronized void releaseLeader(OptionalLong lastOptime) throws DcsException {
        if (lastOptime.isPresent()) {
            // The slot positions stay: a replica that promotes next advances its copies to them.
            writeStatus(lastOptime.getAsLong(), lastStatusSlots);
        }
        calls.retrying("release leader lock", leaderLock::release);
    }

    @Override
    public synchronized void touchMember(Map<String, Object> data) throws DcsException {
        Objects.requireNonNull(data, "data");
        calls.once("touch member", session -> memberPublisher.touch(data, session));
    }

    @Override
    public synchronized void writeStatus(long optime, Map<String, Long> slots) throws DcsException {
        if (lastStatusOptime.isPresent() && lastStatusOptime.getAsLong() == optime && lastStatusSlots.equals(slots)) {
            return;
        }
        Map<String, Object> status = new java.util.LinkedHashMap<>();
        status.put("optime", optime);
        if (!slots.isEmpty()) {
            status.put("slots", new java.util.TreeMap<>(slots));
        }
        byte[] value = WireFormat.compactJson(status);
        calls.once("write status", session -> keys.put(paths.status(), value));
        lastStatusOptime = OptionalLong.of(optime);
        lastStatusSlots = Map.copyOf(slots);
    }

    @Override
    public void writeHistory(List<List<Object>> history) throws DcsException {
        byte[] value = WireFormat.compactJson(history);
        calls.once("write history", session -> keys.put(paths.history(), value));
    }

    @Override
    public void writeFailover(Map<String, Object> value, OptionalInt expectedVersion) throws DcsException {
        byte[] json = WireFormat.compactJson(value);
        boolean written = calls.once("write failover", session -> keys.setOrCreate(paths.failover(), json, expectedVersion));
        if (!written) {
            LOG.info("failover key changed since version {} was read; left as is", expectedVersion);
        }
    }

    @Override
    public void writeSync(Map<String, Object> value, OptionalInt expectedVersion) throws DcsException {
        byte[] json = WireFormat.compactJson(Objects.requireNonNull(value, "value"));
        boolean written = calls.retrying("write sync", session -> keys.setOrCreate(paths.sync(), json, expectedVersion));
        if (!written) {
            throw new DcsException("sync key changed since version " + expectedVersion.orElse(0)
                    + " was read; not written");
        }
    }

    @Override
    public void writeFailsafe(Map<String, String> value) throws DcsException {
        byte[] json = WireFormat.compactJson(new java.util.TreeMap<>(Objects.requireNonNull(value, "value")));
        calls.once("write failsafe", session -> keys.put(paths.failsafe(), json));
    }

    @Override
    public synchronized void deleteCluster() throws DcsException {
        calls.retrying("delete cluster", session -> {
            try {
                client.delete().deletingChildrenIfNeeded().forPath(paths.base());
            } catch (KeeperException.NoNodeException e) {
                // Nothing to remove.
            }
            return null;
        });
        memberPublisher.forget();
        lastStatusOptime = OptionalLong.empty();
    }

    @Override
    public long sessionId() {
        return monitor.sessionId();
    }

    @Override
    public DcsHealth health() {
        return monitor.health();
    }

    @Override
    public long lastContactMillis() {
        return monitor.lastContactMillis();
    }

    @Override
    public long millisSinceLastContact() {
        return monitor.millisSinceLastContact();
    }

    @Override
    public void onChange(Runnable wakeUp) {
        notifier.add(Objects.requireNonNull(wakeUp, "wakeUp"));
    }

    /**
     * {@link #close()} for a process that exits next (the CLI): returns as soon as the server has ended the session
     * and leaves the rest to a daemon thread. The ZooKeeper client's I/O thread lingers 100 ms after that (a fixed
     * sleep in its socket cleanup), which is all this saves. Without a connection it is a plain {@link #close()}.
     */
    public void closeBeforeExit() {
        ZooKeeper zk = null;
        try {
            if (client.getZookeeperClient().isConnected()) {
                zk = client.getZookeeperClient().getZooKeeper();
            }
        } catch (Exception e) {
            zk = null;
        }
        if (zk == null) {
            close();
            return;
        }
        Thread closer = new Thread(this::close, "vigil-zk-close");
        closer.setDaemon(true);
        closer.start();
        try {
            // CLOSED: the server answered the closeSession request (or the session had already ended).
            while (closer.isAlive() && zk.getState().isAlive()) {
                closer.join(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the session, so this member's ephemeral znodes (member, leader lock) disappear at once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        notifier.close();
        probe.close();
        reachability.close();
        if (tlsProbe != null) {
            tlsProbe.close();
        }
        client.close();
        if (tlsMaterial != null) {
            tlsMaterial.close();
        }
    }
}
