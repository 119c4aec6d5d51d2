package io.vigil.dcs;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;

/**
 * A real ZooKeeper server on an ephemeral port, the agents under test, and an independent "inspector" client
 * (its own session) that reads and plants raw znodes the way another agent or an operator would.
 */
final class ZooKeeperFixture implements AutoCloseable {
    /** Generous loop_wait so ordinary tests never hit the liveness timeout on a loaded machine. */
    static final int TTL = 10;
    static final int LOOP_WAIT = 10;
    static final int RETRY_TIMEOUT = 10;

    final TestingServer server;
    final String base;
    private final CuratorFramework inspector;
    private final List<AutoCloseable> opened = new ArrayList<>();

    ZooKeeperFixture(String scope) throws Exception {
        this(new TestingServer(), scope);
    }

    ZooKeeperFixture(TestingServer server, String scope) throws Exception {
        this.server = server;
        this.base = "/service/" + scope;
        this.inspector = CuratorFrameworkFactory.newClient(server.getConnectString(), 30_000, 10_000, new RetryOneTime(200));
        inspector.start();
        if (!inspector.blockUntilConnected(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("inspector could not connect to " + server.getConnectString());
        }
    }

    ZooKeeperDcsSettings settings(String member) {
        return new ZooKeeperDcsSettings(server.getConnectString(), base, member, TTL, LOOP_WAIT, RETRY_TIMEOUT);
    }

    /** Connects an agent and waits until its session is established. */
    ZooKeeperDcs agent(String member) {
        return agent(settings(member));
    }

    ZooKeeperDcs agent(ZooKeeperDcsSettings settings) {
        ZooKeeperDcs dcs = ZooKeeperDcs.connect(settings);
        opened.add(dcs);
        await().atMost(Duration.ofSeconds(20)).until(() -> dcs.health() == DcsHealth.CONNECTED && dcs.sessionId() != 0);
        return dcs;
    }

    /** The znode path of a key; the empty key is the base path itself. */
    String path(String key) {
        return key.isEmpty() ? base : base + "/" + key;
    }

    byte[] raw(String key) throws Exception {
        return inspector.getData().forPath(path(key));
    }

    String text(String key) throws Exception {
        return new String(raw(key), StandardCharsets.UTF_8);
    }

    Stat stat(String key) throws Exception {
        return inspector.checkExists().forPath(path(key));
    }

    boolean exists(String key) throws Exception {
        return stat(key) != null;
    }

    void put(String key, String value) throws Exception {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (exists(key)) {
            inspector.setData().forPath(path(key), bytes);
        } else {
            inspector.create().creatingParentsIfNeeded().forPath(path(key), bytes);
        }
    }

    void delete(String key) throws Exception {
        inspector.delete().forPath(path(key));
    }

    /** Creates an ephemeral znode owned by the inspector's session, i.e. by "someone else". */
    void putEphemeral(String key, String value) throws Exception {
        inspector.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(path(key), value.getBytes(StandardCharsets.UTF_8));
    }

    long inspectorSession() throws Exception {
        return inspector.getZookeeperClient().getZooKeeper().getSessionId();
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        inspector.close();
        server.close();
    }
}
