package io.vigil.dcs;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a dead or silent ZooKeeper server well before the session could expire.
 *
 * <p>The stock client only gives up on a connection after 2/3 of the session timeout without a reply
 * (20 s for ttl 30), too late for the leader to demote before its lock expires. Patroni shortens that to
 * {@code max(loop_wait - 2, 2)} s. We get the same bound from two pieces: the client is built with
 * {@code zookeeper.request.timeout} = that liveness timeout, so an unanswered request makes the client drop
 * the connection (Curator then reports SUSPENDED and the client moves on to the next server with the same
 * session); and this probe sends a cheap {@code exists} on the base path every
 * {@link ZooKeeperDcsSettings#livenessProbeIntervalMs()} while connected, so there is always a request
 * in flight to time out, even when the HA loop is idle. Each answer also refreshes the last-contact time.
 */
final class LivenessProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LivenessProbe.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-zk-liveness");
        t.setDaemon(true);
        return t;
    });

    LivenessProbe(CuratorFramework client, String path, SessionMonitor monitor, long intervalMs) {
        scheduler.scheduleWithFixedDelay(() -> probe(client, path, monitor), intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private static void probe(CuratorFramework client, String path, SessionMonitor monitor) {
        // While disconnected the client is already reconnecting; a request would only wait for it.
        if (!client.getZookeeperClient().isConnected()) {
            return;
        }
        try {
            // Straight on the ZooKeeper handle: the same synchronous exists (and the same request timeout) that
            // Curator's foreground checkExists() ends in, without its builder, retry-loop and tracing objects.
            // The probe runs every second for the agent's whole life, so the difference is most of its cost.
            ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
            long session = zk.getSessionId();
            zk.exists(path, false);
            monitor.contact(session);
        } catch (Exception e) {
            LOG.debug("liveness probe failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
