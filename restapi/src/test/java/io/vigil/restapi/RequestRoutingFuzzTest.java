package io.vigil.restapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzz target for what the REST server does with a request before any endpoint logic: the
 * query-string parser, the router (first path segment, reads versus writes, Patroni's fallback to a health
 * check), the health-check query parameters, and the Basic auth check in front of every write endpoint. It
 * drives {@link ReadEndpoints} and {@link WriteEndpoints} exactly as {@code RestApiServer} does, without a
 * socket, so a run does tens of thousands of requests a second; Jetty's own request-line parsing is Jetty's.
 *
 * <p>Property: every request is answered (2xx-5xx with the body its kind promises), a write reaches its handler
 * only with the right credentials and with the request exactly as sent, and nothing throws or hangs.
 */
class RequestRoutingFuzzTest {

    private static final String METHOD_CHARS = "GETPOSTPUTPATCHDELETEHEADOPTIONS";
    private static final List<String> METHODS = List.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE");
    private static final List<String> WRITE_ROUTES = List.of("POST /switchover", "POST /failover",
            "DELETE /switchover", "PATCH /config", "PUT /config", "POST /restart", "DELETE /restart", "POST /reload",
            "POST /reinitialize", "POST /failsafe");
    /** Patroni answers these with a status line only, like HEAD and OPTIONS. */
    private static final Set<String> STATUS_ONLY_GETS = Set.of("liveness", "readiness");
    private static final BasicCredentials CREDENTIALS = new BasicCredentials("patroni", "s3cr:t");
    private static final String GOOD_AUTH = "Basic " + Base64.getEncoder().encodeToString(
            "patroni:s3cr:t".getBytes(StandardCharsets.UTF_8));

    /** What the last write handler was handed. The endpoints and their executor serve every input of a run. */
    private static final AtomicReference<WriteRequest> SEEN = new AtomicReference<>();
    private static final WriteEndpoints WRITES = new WriteEndpoints(writeEndpoints(), Optional.of(CREDENTIALS));
    private static final ReadEndpoints LEADER = new ReadEndpoints(new FixedSource(Snapshots.leader()));
    private static final ReadEndpoints REPLICA = new ReadEndpoints(new FixedSource(Snapshots.replica()));

    @AfterAll
    static void stopExecutor() {
        WRITES.close();
    }

    @FuzzTest
    void request(FuzzedDataProvider data) throws Exception {
        String method = data.consumeBoolean() ? data.pickValue(METHODS) : method(data.consumeString(8));
        String path = data.consumeString(120);
        String rawQuery = data.consumeBoolean() ? data.consumeString(200) : null;
        String authorization = switch (data.consumeInt(0, 2)) {
            case 0 -> null;
            case 1 -> GOOD_AUTH;
            default -> data.consumeString(80);
        };
        boolean replica = data.consumeBoolean();
        byte[] body = data.consumeRemainingAsBytes();

        Map<String, List<String>> query = QueryString.parse(rawQuery);
        assertQueryParsed(query);

        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            RestResponse answer = (replica ? REPLICA : LEADER).respond(method, path, query);
            if (method.equals("GET") && !STATUS_ONLY_GETS.contains(FirstSegment.of(path))) {
                assertThat(answer.body()).as("GET %s", path).isNotEmpty();
            } else {
                assertThat(answer.body()).as("%s %s", method, path).isEmpty();
            }
            return;
        }

        SEEN.set(null);
        WriteRequest sent = new WriteRequest(method, path, query, Map.of("Content-Length",
                Integer.toString(body.length)), body, "192.0.2.1");
        RestResponse answer = WRITES.dispatch(method, path, new AccessCheck.Caller("192.0.2.1", false, authorization),
                () -> sent).get(5, TimeUnit.SECONDS);
        boolean routed = WRITE_ROUTES.contains(method + " /" + FirstSegment.of(path));
        if (!routed) {
            assertThat(answer.status()).as("%s %s", method, path).isEqualTo(501);
        } else if (!GOOD_AUTH.equals(authorization)) {
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.headers()).containsEntry("WWW-Authenticate", BasicAuth.CHALLENGE);
            assertThat(SEEN.get()).as("handler ran without credentials").isNull();
        } else {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(SEEN.get()).as("the request as sent").isSameAs(sent);
        }
        assertThat(answer.body()).isNotEmpty();
    }

    /** A method token made of letters that occur in real ones, so near misses like {@code POS} turn up. */
    private static String method(String raw) {
        StringBuilder token = new StringBuilder();
        raw.chars().forEach(c -> token.append(METHOD_CHARS.charAt(Math.floorMod(c, METHOD_CHARS.length()))));
        return token.isEmpty() ? "G" : token.toString();
    }

    private static void assertQueryParsed(Map<String, List<String>> query) {
        assertThat(query).isUnmodifiable();
        query.forEach((name, values) -> {
            assertThat(name).isNotNull();
            assertThat(values).isUnmodifiable().isNotEmpty().allSatisfy(v -> assertThat(v).isNotEmpty());
        });
    }

    /** Every write route of Patroni, each recording the request it was handed. */
    private static List<WriteEndpoint> writeEndpoints() {
        List<WriteEndpoint> endpoints = new ArrayList<>();
        for (String route : WRITE_ROUTES) {
            String[] methodAndPath = route.split(" ");
            endpoints.add(new WriteEndpoint(methodAndPath[0], methodAndPath[1], request -> {
                SEEN.set(request);
                return RestResponse.text(200, "handled");
            }));
        }
        return endpoints;
    }
}
