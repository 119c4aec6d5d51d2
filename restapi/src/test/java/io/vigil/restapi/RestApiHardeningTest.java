package io.vigil.restapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.tls.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile or broken client can do to the listener, against the real Jetty server: health checks must keep
 * answering at once whatever else is connected.
 */
class RestApiHardeningTest {

    private static final int MIB = 1024 * 1024;
    /** Far above a health check's few milliseconds, far below HAProxy's usual check timeout. */
    private static final Duration QUICK = Duration.ofMillis(1500);

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static TlsClient https;

    private final List<RestApiServer> servers = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        certs = new TestCertificates(dir).ca("ca").server("server", "ca");
        https = TlsClient.trusting(certs.file("ca.pem"), Optional.empty(), Optional.empty());
    }

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        servers.forEach(RestApiServer::close);
    }

    private RestApiServer start(boolean tls) {
        Optional<ServerTls> settings = tls ? Optional.of(new ServerTls(certs.file("server.pem"),
                Optional.of(certs.file("server.key")), Optional.empty(), Optional.empty(), Optional.empty(),
                ServerTls.ClientCertificates.NONE)) : Optional.empty();
        RestApiServer server = new RestApiServer("127.0.0.1", 0, new FixedSource(Snapshots.leader()), Optional.empty(),
                List.of(new WriteEndpoint("POST", "/dummy", req -> RestResponse.text(200, "read " + req.body().length))),
                settings, Allowlist.OPEN);
        servers.add(server);
        server.start();
        return server;
    }

    private void openIdle(int port, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Socket idle = new Socket();
            idle.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            sockets.add(idle);
        }
    }

    @Test
    void aThousandIdleConnectionsDoNotDelayAHealthCheck() throws Exception {
        RestApiServer plain = start(false);
        openIdle(plain.port(), 1000);
        long started = System.nanoTime();
        assertThat(raw(plain.port(), "OPTIONS /primary HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(QUICK);
    }

    @Test
    void connectionsThatNeverHandshakeDoNotDelayAnHttpsHealthCheck() throws Exception {
        RestApiServer secured = start(true);
        openIdle(secured.port(), 500);
        long started = System.nanoTime();
        assertThat(https.get(secured.port(), "/primary").status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(QUICK);
    }

    @Test
    void aMebibyteOfHeaderIs431() throws Exception {
        RestApiServer plain = start(false);
        String huge = "GET /primary HTTP/1.1\r\nHost: x\r\nX-Padding: " + "a".repeat(MIB) + "\r\n\r\n";
        assertThat(raw(plain.port(), huge)).startsWith("HTTP/1.1 431");
        assertThat(raw(plain.port(), "GET /primary HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 200");
    }

    @Test
    void aMebibyteOfBodyIs413WhetherDeclaredOrStreamed() throws Exception {
        RestApiServer plain = start(false);
        String declared = "POST /dummy HTTP/1.1\r\nHost: x\r\nContent-Length: " + MIB + "\r\n\r\n" + "a".repeat(MIB);
        assertThat(raw(plain.port(), declared)).startsWith("HTTP/1.1 413");
        String chunk = "a".repeat(64 * 1024);
        String streamed = "POST /dummy HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + (Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n").repeat(16) + "0\r\n\r\n";
        assertThat(raw(plain.port(), streamed)).startsWith("HTTP/1.1 413");
        String small = "POST /dummy HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
        assertThat(raw(plain.port(), small)).startsWith("HTTP/1.1 200").endsWith("read 5");
    }

    @Test
    void plainHttpOnTheHttpsPortIsDroppedAndHttpsGoesOn() throws Exception {
        RestApiServer secured = start(true);
        try (Socket plain = new Socket("127.0.0.1", secured.port())) {
            plain.setSoTimeout(5000);
            plain.getOutputStream().write("GET /primary HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            byte[] answer = readUntilClosed(plain.getInputStream());
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("200").doesNotContain("role");
        }
        assertThat(https.get(secured.port(), "/primary").status()).isEqualTo(200);
    }

    /**
     * Sends {@code request} from another thread while reading, so that the answer is read even when the server
     * answers before the request is complete and then closes.
     */
    private static String raw(int port, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException closedByServer) {
                    // the server answered and closed before reading it all: what the test is about
                }
            });
            String answer = new String(readUntilClosed(socket.getInputStream()), StandardCharsets.ISO_8859_1);
            sending.get();
            return answer;
        }
    }

    /** What arrives until the server closes; a reset after the answer ends the read too. */
    private static byte[] readUntilClosed(InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        int length = 0;
        try {
            for (int n; (n = in.read(buffer, length, buffer.length - length)) > 0; ) {
                length += n;
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
            }
        } catch (IOException resetAfterAnswer) {
            // what was read before the reset is the answer
        }
        return Arrays.copyOf(buffer, length);
    }
}
