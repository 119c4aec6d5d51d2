package io.vigil.dcs;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Explains a TLS connection that does not come up. ZooKeeper's client only logs a failed handshake (with a stack
 * trace) and retries; while the client is not connected, this probe makes its own handshake with each server,
 * using the same key and trust material, and turns the failure into one line naming the server and the
 * configuration key to look at. The line is logged once per distinct problem and appended to the
 * "not connected" errors of DCS operations.
 */
final class TlsProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TlsProbe.class);
    private static final int HANDSHAKE_TIMEOUT_MS = 3000;
    private static final int ALERT_WAIT_MS = 1000;

    private final String connectString;
    private final SSLContext context;
    private final ZooKeeperTls tls;
    private final BooleanSupplier connected;
    private final SessionMonitor monitor;
    private final Thread thread;
    private volatile boolean closed;

    TlsProbe(String connectString, SSLContext context, ZooKeeperTls tls, BooleanSupplier connected,
             SessionMonitor monitor, long firstDelayMs, long intervalMs) {
        this.connectString = connectString;
        this.context = context;
        this.tls = tls;
        this.connected = connected;
        this.monitor = monitor;
        this.thread = new Thread(() -> run(firstDelayMs, intervalMs), "vigil-zk-tls-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(long firstDelayMs, long intervalMs) {
        String reported = null;
        try {
            Thread.sleep(firstDelayMs);
            while (!closed) {
                if (connected.getAsBoolean()) {
                    monitor.connectProblem(null);
                    reported = null;
                } else {
                    String problem = firstProblem();
                    monitor.connectProblem(problem);
                    if (problem != null && !problem.equals(reported) && !closed) {
                        LOG.error("cannot connect to ZooKeeper: {}", problem);
                    }
                    reported = problem;
                }
                Thread.sleep(intervalMs);
            }
        } catch (InterruptedException e) {
            // closed
        } catch (RuntimeException e) {
            LOG.warn("TLS diagnosis stopped: {}", ZooKeeperTls.oneLine(e));
        }
    }

    private String firstProblem() {
        for (ServerAddress server : ServerAddress.parse(connectString)) {
            Optional<String> problem = problemWith(server);
            if (problem.isPresent()) {
                return problem.get();
            }
        }
        return null;
    }

    /**
     * One handshake with {@code server}; empty when it succeeds or the server is simply unreachable (which
     * {@link ServerReachability} reports).
     */
    Optional<String> problemWith(ServerAddress server) {
        String hostPort = server.text();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(server.host(), server.port()), HANDSHAKE_TIMEOUT_MS);
            socket.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
            socket.startHandshake();
            // With TLS 1.3 the server judges the client certificate after the client's side of the handshake is
            // done: its refusal arrives as an alert on the first read.
            socket.setSoTimeout(ALERT_WAIT_MS);
            if (socket.getInputStream().read() < 0) {
                return Optional.of(refused(hostPort, "closed the connection after the handshake"));
            }
            return Optional.empty();
        } catch (SocketTimeoutException e) {
            return Optional.empty(); // handshake done, the server waits for ZooKeeper's request: TLS is fine
        } catch (ConnectException | UnknownHostException e) {
            return Optional.empty(); // not a TLS problem
        } catch (SSLException e) {
            return Optional.of(explain(hostPort, e));
        } catch (EOFException e) {
            return Optional.of(refused(hostPort, "closed the connection during the handshake"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private String explain(String hostPort, SSLException e) {
        String text = ZooKeeperTls.oneLine(e);
        String lower = text.toLowerCase(Locale.ROOT);
        if (causedBy(e, CertPathValidatorException.class) || lower.contains("pkix path")
                || lower.contains("certification path")) {
            return "the certificate of ZooKeeper server " + hostPort + " is not signed by a CA in "
                    + tls.caCert().map(p -> "zookeeper.cacert (" + p + ")").orElse("the JDK trust store (set zookeeper.cacert)")
                    + ": " + text;
        }
        if (causedBy(e, CertificateException.class) && (lower.contains("host") || lower.contains("subject alternative"))) {
            return "the certificate of ZooKeeper server " + hostPort + " does not name that host"
                    + " (zookeeper.verify: false skips this check): " + text;
        }
        if (lower.contains("plaintext") || lower.contains("unrecognized ssl message") || lower.contains("unsupported or unrecognized")) {
            return "ZooKeeper server " + hostPort + " does not speak TLS (is this its clientPort rather than its"
                    + " secureClientPort?): " + text;
        }
        if (lower.contains("alert") || lower.contains("broken pipe") || lower.contains("connection reset")) {
            return refused(hostPort, text);
        }
        return "TLS handshake with ZooKeeper server " + hostPort + " failed: " + text;
    }

    private String refused(String hostPort, String detail) {
        return "ZooKeeper server " + hostPort + " refused the client certificate "
                + tls.cert().map(p -> "zookeeper.cert (" + p + "); is it signed by a CA the server trusts?")
                        .orElse("(none given: set zookeeper.cert and zookeeper.key)")
                + ": " + detail;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
