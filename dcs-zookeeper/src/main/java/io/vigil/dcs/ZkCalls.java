package io.vigil.dcs;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * Runs ZooKeeper operations with Patroni's two retry disciplines and turns failures into
 * {@link DcsException}. Curator itself is configured not to retry, so the deadline here is the only one.
 */
final class ZkCalls {
    /** Patroni waits 1 s for its non-retried writes. */
    private static final long SINGLE_ATTEMPT_CONNECT_WAIT_MS = 1000;
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 1000;

    /** One ZooKeeper interaction; expected outcomes (NoNode, NodeExists, BadVersion) are handled inside. */
    @FunctionalInterface
    interface ZkOperation<T> {
        T run(long session) throws Exception;
    }

    private final CuratorFramework client;
    private final SessionMonitor monitor;
    private final long retryTimeoutMs;

    ZkCalls(CuratorFramework client, SessionMonitor monitor, long retryTimeoutMs) {
        this.client = client;
        this.monitor = monitor;
        this.retryTimeoutMs = retryTimeoutMs;
    }

    /**
     * Retries {@code op} on connection loss, timeouts and session expiry, with exponential backoff capped at
     * 1 s, until {@code retry_timeout} has passed. While disconnected it waits for the connection instead of
     * issuing requests, so it never overruns the deadline by more than one request's liveness timeout.
     */
    <T> T retrying(String what, ZkOperation<T> op) throws DcsException {
        long deadline = System.currentTimeMillis() + retryTimeoutMs;
        long backoff = FIRST_BACKOFF_MS;
        String lastProblem = null;
        while (true) {
            long remaining = deadline - System.currentTimeMillis();
            if (remaining <= 0) {
                throw new DcsException(what + " failed: " + (lastProblem != null ? lastProblem : monitor.notConnected())
                        + " for retry_timeout "
                        + retryTimeoutMs / 1000 + " s");
            }
            try {
                if (!awaitConnection(remaining)) {
                    continue;
                }
                return attempt(op);
            } catch (KeeperException e) {
                if (!isRetryable(e.code())) {
                    throw new DcsException(what + " failed: " + e.code(), e);
                }
                lastProblem = e.code().toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DcsException(what + " interrupted", e);
            } catch (Exception e) {
                throw new DcsException(what + " failed: " + e, e);
            }
            backOff(Math.min(backoff, deadline - System.currentTimeMillis()), what);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    /** One attempt, after waiting at most 1 s for a connection (Patroni's non-retried writes). */
    <T> T once(String what, ZkOperation<T> op) throws DcsException {
        try {
            if (!awaitConnection(SINGLE_ATTEMPT_CONNECT_WAIT_MS)) {
                throw new DcsException(what + " failed: " + monitor.notConnected());
            }
            return attempt(op);
        } catch (KeeperException e) {
            throw new DcsException(what + " failed: " + e.code(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DcsException(what + " interrupted", e);
        } catch (DcsException e) {
            throw e;
        } catch (Exception e) {
            throw new DcsException(what + " failed: " + e, e);
        }
    }

    private <T> T attempt(ZkOperation<T> op) throws Exception {
        long session = CuratorSessions.currentSession(client);
        T result = op.run(session);
        monitor.contact(session);
        return result;
    }

    private boolean awaitConnection(long maxWaitMs) throws InterruptedException {
        return client.getZookeeperClient().isConnected()
                || client.blockUntilConnected((int) Math.max(1, maxWaitMs), TimeUnit.MILLISECONDS);
    }

    private static boolean isRetryable(KeeperException.Code code) {
        return switch (code) {
            case CONNECTIONLOSS, OPERATIONTIMEOUT, SESSIONEXPIRED, SESSIONMOVED, REQUESTTIMEOUT -> true;
            default -> false;
        };
    }

    private static void backOff(long ms, String what) throws DcsException {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DcsException(what + " interrupted", e);
        }
    }
}
