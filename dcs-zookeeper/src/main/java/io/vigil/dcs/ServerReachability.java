package io.vigil.dcs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says which servers of {@code zookeeper.hosts} cannot be reached. ZooKeeper's client moves on to the next server
 * without a word at the log level the agent keeps it at (it would log every reconnect attempt with a stack trace),
 * so an operator whose third server is down or misspelt would learn it only when a second one fails. One TCP
 * connect to each server at start and after every change of the connection's state; while a server is unreachable,
 * again every {@code recheckMs}, to say when it is back. A healthy ensemble costs no wake-up at all.
 */
final class ServerReachability implements ConnectionStateListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerReachability.class);

    private final List<ServerAddress> servers;
    private final int connectTimeoutMs;
    private final long recheckMs;
    private final ScheduledThreadPoolExecutor executor;
    /** Why each unreachable server could not be reached; touched on the executor's thread only. */
    private final Map<ServerAddress, String> unreachable = new HashMap<>();
    private ScheduledFuture<?> recheck;

    ServerReachability(String connectString, int connectTimeoutMs, long recheckMs) {
        this.servers = ServerAddress.parse(connectString);
        this.connectTimeoutMs = connectTimeoutMs;
        this.recheckMs = recheckMs;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "vigil-zk-reachability");
            t.setDaemon(true);
            return t;
        });
        // No thread is kept while there is nothing to check.
        executor.setKeepAliveTime(1, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        checkSoon();
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState state) {
        checkSoon();
    }

    private void checkSoon() {
        if (!executor.isShutdown()) {
            executor.execute(this::check);
        }
    }

    private void check() {
        for (ServerAddress server : servers) {
            Optional<String> why = reach(server);
            if (why.isPresent() && !why.get().equals(unreachable.get(server))) {
                unreachable.put(server, why.get());
                LOG.warn("ZooKeeper server {} (zookeeper.hosts) cannot be reached: {}; {} of {} servers answer",
                        server, why.get(), servers.size() - unreachable.size(), servers.size());
            } else if (why.isEmpty() && unreachable.remove(server) != null) {
                LOG.info("ZooKeeper server {} (zookeeper.hosts) can be reached again; {} of {} servers answer",
                        server, servers.size() - unreachable.size(), servers.size());
            }
        }
        if (unreachable.isEmpty() && recheck != null) {
            recheck.cancel(false);
            recheck = null;
        } else if (!unreachable.isEmpty() && recheck == null && !executor.isShutdown()) {
            recheck = executor.scheduleWithFixedDelay(this::check, recheckMs, recheckMs, TimeUnit.MILLISECONDS);
        }
    }

    private Optional<String> reach(ServerAddress server) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.host(), server.port()), connectTimeoutMs);
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of("unknown host " + server.host());
        } catch (SocketTimeoutException e) {
            return Optional.of("no answer within " + connectTimeoutMs + " ms");
        } catch (IOException e) {
            return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
