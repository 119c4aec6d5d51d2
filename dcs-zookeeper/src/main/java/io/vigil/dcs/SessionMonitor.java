package io.vigil.dcs;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Curator's connection states into one {@link DcsHealth} value and remembers when a server last
 * answered and which session this client holds. Every state change also wakes the HA loop.
 */
final class SessionMonitor implements ConnectionStateListener {
    private static final Logger LOG = LoggerFactory.getLogger(SessionMonitor.class);

    private final ChangeNotifier notifier;
    /** No session exists before the first connection, so the starting state is LOST. */
    private volatile DcsHealth health = DcsHealth.LOST;
    private volatile long lastContactMillis;
    private volatile long lastContactNanos;
    private volatile long sessionId;
    private volatile String connectProblem;

    SessionMonitor(ChangeNotifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState state) {
        switch (state) {
            case CONNECTED, RECONNECTED -> {
                health = DcsHealth.CONNECTED;
                contact(CuratorSessions.currentSession(client));
            }
            // A read-only server cannot take writes, so the leader lock cannot be defended.
            case SUSPENDED, READ_ONLY -> health = DcsHealth.SUSPENDED;
            // Curator reports LOST once the session is expired (or has been disconnected for a whole
            // session timeout): every ephemeral znode of ours is gone.
            case LOST -> {
                health = DcsHealth.LOST;
                sessionId = 0;
            }
        }
        LOG.info("ZooKeeper connection {}, session 0x{}", state, Long.toHexString(sessionId));
        notifier.fire();
    }

    /** A server answered a request made under {@code session}. */
    void contact(long session) {
        lastContactMillis = System.currentTimeMillis();
        lastContactNanos = System.nanoTime();
        if (session != 0) {
            sessionId = session;
        }
    }

    /** Why the client cannot connect, when known (a failed TLS handshake); null otherwise. */
    String connectProblem() {
        return connectProblem;
    }

    void connectProblem(String problem) {
        connectProblem = problem;
    }

    /** "not connected to ZooKeeper", with the reason when one is known. */
    String notConnected() {
        String problem = connectProblem;
        return problem == null ? "not connected to ZooKeeper" : "not connected to ZooKeeper (" + problem + ")";
    }

    DcsHealth health() {
        return health;
    }

    long lastContactMillis() {
        return lastContactMillis;
    }

    /** Measured on the monotonic clock, so a wall-clock step cannot make an old answer look fresh. */
    long millisSinceLastContact() {
        long at = lastContactNanos;
        return at == 0 ? Long.MAX_VALUE : (System.nanoTime() - at) / 1_000_000;
    }

    long sessionId() {
        return sessionId;
    }
}
