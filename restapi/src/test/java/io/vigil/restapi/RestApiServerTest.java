package io.vigil.restapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real HTTP against a server on an ephemeral port. */
class RestApiServerTest {

    private static final BasicCredentials ADMIN = new BasicCredentials("admin", "s3cret");

    private final FixedSource source = new FixedSource(Snapshots.leader());
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<RestApiServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(RestApiServer::close);
    }

    private RestApiServer start(NodeStatusSource src, Optional<BasicCredentials> auth, List<WriteEndpoint> writes) {
        RestApiServer server = new RestApiServer("127.0.0.1", 0, src, auth, writes);
        servers.add(server);
        server.start();
        return server;
    }

    private RestApiServer start() {
        return start(source, Optional.empty(), List.of());
    }

    private HttpResponse<String> send(RestApiServer server, String method, String uri, String... headers)
            throws IOException, InterruptedException {
        return http.send(request(server, method, uri, "", headers), BodyHandlers.ofString());
    }

    private HttpRequest request(RestApiServer server, String method, String uri, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + uri))
                .timeout(Duration.ofSeconds(10))
                .method(method, body.isEmpty() ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return b.build();
    }

    /** For requests HttpClient refuses to send. Returns the whole response as text. */
    private static String raw(RestApiServer server, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void getHealthCheckReturnsTheStatusDocumentWithTheComputedCode() throws Exception {
        RestApiServer server = start();
        HttpResponse<String> primary = send(server, "GET", "/primary");
        HttpResponse<String> replica = send(server, "GET", "/replica");

        assertThat(primary.statusCode()).isEqualTo(200);
        assertThat(primary.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(primary.body()).startsWith("{\"state\":\"running\",").contains("\"role\":\"master\"")
                .doesNotContain(": ");
        assertThat(replica.statusCode()).isEqualTo(503);
        assertThat(replica.body()).isEqualTo(primary.body());
    }

    @Test
    void extraHeadersAreSentOnEveryAnswerErrorsIncluded() throws Exception {
        RestApiServer server = new RestApiServer("127.0.0.1", 0, source, Optional.of(ADMIN), List.of())
                .withListenerOptions(Map.of("X-Frame-Options", "SAMEORIGIN", "X-Content-Type-Options", "nosniff"),
                        OptionalInt.of(16));
        servers.add(server);
        server.start();

        HttpResponse<String> primary = send(server, "OPTIONS", "/primary");
        HttpResponse<String> unknown = send(server, "POST", "/nowhere");
        String tooLarge = raw(server, "POST /switchover HTTP/1.1\r\nHost: x\r\nContent-Length: 300000"
                + "\r\nConnection: close\r\n\r\n");

        assertThat(primary.statusCode()).isEqualTo(200);
        assertThat(primary.headers().firstValue("X-Frame-Options")).hasValue("SAMEORIGIN");
        assertThat(primary.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(unknown.statusCode()).isNotEqualTo(200);
        assertThat(unknown.headers().firstValue("X-Frame-Options")).hasValue("SAMEORIGIN");
        assertThat(tooLarge).startsWith("HTTP/1.1 413").contains("X-Frame-Options: SAMEORIGIN");
    }

    @Test
    void headAndOptionsAnswerWithTheCodeOnly() throws Exception {
        RestApiServer server = start();
        assertThat(send(server, "HEAD", "/primary")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
        });
        assertThat(send(server, "OPTIONS", "/replica")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEmpty();
        });
        assertThat(send(server, "OPTIONS", "/").statusCode()).isEqualTo(200);
        // HAProxy's default check: "OPTIONS / HTTP/1.0" with no headers at all.
        assertThat(raw(server, "OPTIONS / HTTP/1.0\r\n\r\n")).matches("(?s)HTTP/1\\.[01] 200 .*");
    }

    @Test
    void followsPublishedSnapshots() throws Exception {
        RestApiServer server = start();
        assertThat(send(server, "GET", "/primary").statusCode()).isEqualTo(200);
        source.publish(Snapshots.replica());
        assertThat(send(server, "GET", "/primary").statusCode()).isEqualTo(503);
        assertThat(send(server, "GET", "/replica?lag=1MB").statusCode()).isEqualTo(200);
        assertThat(send(server, "GET", "/replica?tag_rack=r1").statusCode()).isEqualTo(503);
    }

    @Test
    void readEndpoints() throws Exception {
        RestApiServer server = start();
        assertThat(send(server, "GET", "/patroni").statusCode()).isEqualTo(200);
        assertThat(send(server, "GET", "/cluster").body()).contains("\"name\":\"n1\"");
        assertThat(send(server, "GET", "/history").body()).isEqualTo("[]");
        assertThat(send(server, "GET", "/config").body()).contains("\"loop_wait\":10");
        source.config(Optional.empty());
        assertThat(send(server, "GET", "/config").statusCode()).isEqualTo(502);
        assertThat(send(server, "GET", "/liveness")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
        });
        assertThat(send(server, "GET", "/readiness").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        HttpResponse<String> metrics = send(start(), "GET", "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
        assertThat(metrics.body()).contains("\npatroni_primary{scope=\"demo\"} 1\n");
    }

    @Test
    void otherMethodsAreNotImplemented() throws Exception {
        RestApiServer server = start();
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE", "FOO")) {
            HttpResponse<String> r = send(server, method, "/primary");
            assertThat(r.statusCode()).as(method).isEqualTo(501);
            assertThat(r.body()).contains("Unsupported method ('" + method + "')");
        }
        assertThat(raw(server, "TRACE /primary HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 501 ");
    }

    @Test
    void malformedRequestsGetAClientErrorAndNoStackTrace() throws Exception {
        RestApiServer server = start();
        String badEscape = raw(server, "GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String garbage = raw(server, "GARBAGE\r\n\r\n");
        String hugeHeader = raw(server, "GET /primary HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
        String garbageQuery = raw(server, "GET /primary?lag=%zz&tag_=&&=&%ff%fe=%00 HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(badEscape).startsWith("HTTP/1.1 400 ");
        assertThat(garbage).startsWith("HTTP/1.1 400 ");
        assertThat(hugeHeader).startsWith("HTTP/1.1 431 ");
        assertThat(garbageQuery).startsWith("HTTP/1.1 200 ");
        assertThat(List.of(badEscape, garbage, hugeHeader, garbageQuery))
                .allSatisfy(r -> assertThat(r).doesNotContain("Exception").doesNotContain("\tat "));
        assertThat(send(server, "GET", "/primary").statusCode()).isEqualTo(200);
    }

    @Test
    void failingSourceIsUnavailableWithoutStackTrace() throws Exception {
        NodeStatusSource broken = new FixedSource(Snapshots.leader()) {
            @Override
            public NodeStatus status() {
                throw new IllegalStateException("no snapshot yet");
            }
        };
        RestApiServer server = start(broken, Optional.empty(), List.of());
        HttpResponse<String> get = send(server, "GET", "/primary");
        assertThat(get.statusCode()).isEqualTo(503);
        assertThat(get.body()).doesNotContain("IllegalStateException").doesNotContain("no snapshot");
        assertThat(send(server, "HEAD", "/primary").statusCode()).isEqualTo(503);
        assertThat(send(server, "GET", "/metrics").statusCode()).isEqualTo(503);
        assertThat(send(server, "GET", "/history").statusCode()).isEqualTo(200);
    }

    @Test
    void writeEndpointsRequireBasicAuth() throws Exception {
        List<WriteEndpoint> writes = List.of(
                new WriteEndpoint("POST", "/dummy", req -> RestResponse.text(202, "got " + req.bodyAsString()
                        + " length=" + req.header("content-length").orElse("none"))),
                new WriteEndpoint("DELETE", "/restart", req -> RestResponse.text(404, "no restarts are scheduled")));
        RestApiServer server = start(source, Optional.of(ADMIN), writes);

        HttpResponse<String> anonymous = send(server, "POST", "/dummy");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Patroni\"");
        assertThat(anonymous.body()).isEqualTo("no auth header received");

        HttpResponse<String> wrong = send(server, "POST", "/dummy", "Authorization", basic("admin", "guess"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo("not authenticated");

        HttpResponse<String> ok = http.send(request(server, "POST", "/dummy/sub?x=1", "{\"a\":1}",
                "Authorization", basic("admin", "s3cret")), BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(202);
        assertThat(ok.body()).isEqualTo("got {\"a\":1} length=7");

        HttpResponse<String> notFound = send(server, "DELETE", "/restart", "Authorization", basic("admin", "s3cret"));
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.body()).isEqualTo("no restarts are scheduled");

        // Like Patroni: no handler means 501 before any access check; GET of a write path is a health check.
        assertThat(send(server, "POST", "/other").statusCode()).isEqualTo(501);
        assertThat(send(server, "PUT", "/dummy").statusCode()).isEqualTo(501);
        assertThat(send(server, "GET", "/dummy").statusCode()).isEqualTo(503);
    }

    @Test
    void withoutCredentialsWriteEndpointsAreOpen() throws Exception {
        RestApiServer server = start(source, Optional.empty(),
                List.of(new WriteEndpoint("POST", "/reload", req -> RestResponse.text(202, "reload scheduled"))));
        HttpResponse<String> r = send(server, "POST", "/reload");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).isEqualTo("reload scheduled");
    }

    @Test
    void slowWriteHandlersDoNotDelayHealthChecks() throws Exception {
        CountDownLatch entered = new CountDownLatch(WriteEndpoints.MAX_RUNNING);
        CountDownLatch release = new CountDownLatch(1);
        RestApiServer server = start(source, Optional.empty(), List.of(new WriteEndpoint("POST", "/switchover", req -> {
            entered.countDown();
            release.await(30, TimeUnit.SECONDS);
            return RestResponse.text(200, "Successfully switched over to \"n2\"");
        })));
        List<CompletableFuture<HttpResponse<String>>> switchovers = new ArrayList<>();
        for (int i = 0; i < WriteEndpoints.MAX_RUNNING + 2; i++) {
            switchovers.add(http.sendAsync(request(server, "POST", "/switchover", ""), BodyHandlers.ofString()));
        }
        try {
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            long started = System.nanoTime();
            for (int i = 0; i < 2 * RestApiServer.MAX_THREADS; i++) {
                assertThat(send(server, "OPTIONS", "/primary").statusCode()).isEqualTo(200);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        } finally {
            release.countDown();
        }
        for (CompletableFuture<HttpResponse<String>> f : switchovers) {
            assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void jettyThreadPoolStaysSmallUnderConcurrency() throws Exception {
        RestApiServer server = start();
        List<CompletableFuture<HttpResponse<String>>> probes = new ArrayList<>();
        HttpClient parallel = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 64; i++) {
            probes.add(parallel.sendAsync(request(server, "GET", "/primary", ""), BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : probes) {
            assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        long jettyThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("vigil-rest-") && !t.getName().startsWith("vigil-rest-write"))
                .count();
        assertThat(jettyThreads).isBetween(1L, (long) RestApiServer.MAX_THREADS * servers.size());
    }

    @Test
    void occupiedPortIsAClearError() {
        RestApiServer first = start();
        RestApiServer second = new RestApiServer("127.0.0.1", first.port(), source, Optional.empty());
        servers.add(second);
        assertThatThrownBy(second::start)
                .isInstanceOf(RestApiException.class)
                .hasMessageContaining("127.0.0.1:" + first.port());
    }

    @Test
    void listensOnAllInterfacesForStar() throws Exception {
        RestApiServer server = new RestApiServer("*", 0, source, Optional.empty());
        servers.add(server);
        server.start();
        assertThat(send(server, "GET", "/leader").statusCode()).isEqualTo(200);
    }

    @Test
    void lifecycleIsChecked() {
        RestApiServer server = new RestApiServer("127.0.0.1", 0, source, Optional.empty());
        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
        server.close();
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new RestApiServer("127.0.0.1", 70000, source, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
