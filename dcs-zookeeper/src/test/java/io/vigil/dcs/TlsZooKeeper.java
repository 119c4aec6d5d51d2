package io.vigil.dcs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A ZooKeeper server that accepts only TLS clients with a certificate signed by its CA and names them by the
 * x509 scheme (secureClientPort, Netty, ssl.clientAuth=need, X509AuthenticationProvider), with certificates made
 * by the openssl CLI at test time. The server runs in its own JVM, from the documented zoo.cfg keys: ZooKeeper's
 * server reads its TLS settings from system properties, which in the test JVM would also become the defaults of
 * every client and hide a client that does not set its own.
 */
public final class TlsZooKeeper implements AutoCloseable {
    public static final String KEY_PASSWORD = "s3cret";

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
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        ca("ca");
        ca("rogue-ca");
        signed("server", "zk-server", "ca", "server.ext");
        signed("agent", "vigil-agent", "ca", null);
        signed("reader", "monitoring", "ca", null);
        signed("intruder", "intruder", "ca", null);
        signed("rogue", "vigil-agent", "rogue-ca", null);
        signed("expired", "vigil-agent", "ca", null, -1);
        // The agent's key as Patroni users often have it: PKCS#8, encrypted with key_password.
        openssl("pkcs8", "-topk8", "-in", "agent.key", "-out", "agent-encrypted.key", "-v2", "aes-256-cbc",
                "-passout", "pass:" + KEY_PASSWORD);
        concat("server-store.pem", "server.key", "server.pem");
    }

    private void ca(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + name);
    }

    private void signed(String name, String commonName, String ca, String extensions) throws Exception {
        signed(name, commonName, ca, extensions, 2);
    }

    /** Negative {@code days}: a certificate that expired before it was made. */
    private void signed(String name, String commonName, String ca, String extensions, int days) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        List<String> sign = new ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem",
                "-CAkey", ca + ".key", "-CAcreateserial", "-out", name + ".pem", "-days", Integer.toString(days)));
        if (extensions != null) {
            sign.addAll(List.of("-extfile", extensions));
        }
        openssl(sign.toArray(String[]::new));
    }

    private void concat(String target, String... parts) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String part : parts) {
            text.append(Files.readString(dir.resolve(part), StandardCharsets.US_ASCII));
        }
        Files.writeString(dir.resolve(target), text);
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("/usr/bin/openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
        }
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
