package io.vigil.dcs;

import io.vigil.tls.TestCertificates;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A ZooKeeper server that accepts only TLS clients with a certificate signed by its CA and names them by the
 * x509 scheme (secureClientPort, Netty, ssl.clientAuth=need, X509AuthenticationProvider), with certificates made
 * by {@link TestCertificates} at test time. The server runs in its own JVM, from the documented zoo.cfg keys: ZooKeeper's
 * server reads its TLS settings from system properties, which in the test JVM would also become the defaults of
 * every client and hide a client that does not set its own.
 */
public final class TlsZooKeeper implements AutoCloseable {
    public static final String KEY_PASSWORD = TestCertificates.KEY_PASSWORD;

    public final Path dir;
    public final int port;
    private final Process server;

    public TlsZooKeeper(Path dir) throws Exception {
        this.dir = dir;
        makeCertificates();
        this.port = freePort();
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("zoo.cfg"), String.join("\n",
                "tickTime=500",
                "dataDir=" + data,
                "secureClientPort=" + port,
                "secureClientPortAddress=127.0.0.1",
                "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
                "authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider",
                "ssl.keyStore.location=" + dir.resolve("server-store.pem"),
                "ssl.keyStore.type=PEM",
                "ssl.trustStore.location=" + dir.resolve("ca.pem"),
                "ssl.trustStore.type=PEM",
                "ssl.clientAuth=need",
                "admin.enableServer=false",
                "maxSessionTimeout=60000",
                "") );
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Dzookeeper.forceSync=no", "-Dlogback.configurationFile=" + quietLogback(),
                "-cp", System.getProperty("java.class.path"),
                "org.apache.zookeeper.server.ZooKeeperServerMain", dir.resolve("zoo.cfg").toString()));
        this.server = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile())
                .start();
        awaitListening();
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    private void makeCertificates() throws Exception {
        new TestCertificates(dir).ca("ca").ca("rogue-ca")
                .server("server", "ca")
                .client("agent", "vigil-agent", "ca")
                .client("reader", "monitoring", "ca")
                .client("intruder", "intruder", "ca")
                .client("rogue", "vigil-agent", "rogue-ca")
                .expiredClient("expired", "vigil-agent", "ca")
                // The agent's key as Patroni users often have it: PKCS#8, encrypted with key_password.
                .encryptedPkcs8("agent", "agent-encrypted.key")
                .concat("server-store.pem", "server.key", "server.pem");
    }

    private Path quietLogback() throws IOException {
        Path file = dir.resolve("server-logback.xml");
        Files.writeString(file, "<configuration><statusListener class=\"ch.qos.logback.core.status.NopStatusListener\"/>"
                + "<appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\"><encoder><pattern>%d %-5level %logger{20} - %msg%n</pattern></encoder></appender>"
                + "<root level=\"WARN\"><appender-ref ref=\"OUT\"/></root></configuration>");
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("ZooKeeper exited: " + Files.readString(dir.resolve("server.log")));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("ZooKeeper did not listen on " + port + ": " + Files.readString(dir.resolve("server.log")));
    }

    @Override
    public void close() throws Exception {
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
    }
}
