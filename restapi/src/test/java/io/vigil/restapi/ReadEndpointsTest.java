package io.vigil.restapi;

import static io.vigil.restapi.PatroniStatusMatrixTest.respond;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadEndpointsTest {

    private final FixedSource source = new FixedSource(Snapshots.leader());
    private final ReadEndpoints endpoints = new ReadEndpoints(source);

    @Test
    void healthCheckGetCarriesTheStatusDocumentWhateverTheCode() throws Exception {
        RestResponse ok = respond(endpoints, "GET", "/primary");
        RestResponse unavailable = respond(endpoints, "GET", "/replica");
        assertThat(ok.contentType()).isEqualTo("application/json");
        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.readTree(ok.body())).isEqualTo(mapper.readTree(mapper.writeValueAsBytes(Snapshots.leader().document())));
        assertThat(new String(ok.body(), StandardCharsets.UTF_8)).startsWith("{\"state\":\"running\",\"postmaster_start_time\"");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.body()).isEqualTo(ok.body());
    }

    @Test
    void headAndOptionsAreAlwaysHealthChecksWithoutBody() {
        assertThat(respond(endpoints, "HEAD", "/primary")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
            assertThat(r.contentType()).isNull();
        });
        // Patroni has no HEAD/OPTIONS handler for /patroni: the path is checked like any other, and fails.
        assertThat(respond(endpoints, "OPTIONS", "/patroni").status()).isEqualTo(503);
        assertThat(respond(endpoints, "HEAD", "/liveness").status()).isEqualTo(503);
        assertThat(respond(endpoints, "OPTIONS", "/").status()).isEqualTo(200);
    }

    @Test
    void quorumChecksAreRoutedLikeTheOtherHealthChecks() {
        source.publish(Snapshots.from(Snapshots.replica()).quorumStandby(true).build());
        assertThat(respond(endpoints, "OPTIONS", "/quorum").status()).isEqualTo(200);
        assertThat(respond(endpoints, "HEAD", "/read-only-quorum").status()).isEqualTo(200);
        assertThat(respond(endpoints, "GET", "/quorum")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.contentType()).isEqualTo("application/json");
        });
        assertThat(respond(endpoints, "GET", "/sync").status()).isEqualTo(503);
        source.publish(Snapshots.replica());
        assertThat(respond(endpoints, "OPTIONS", "/quorum").status()).isEqualTo(503);
        assertThat(respond(endpoints, "GET", "/read-only-quorum").status()).isEqualTo(503);
    }

    @Test
    void routesByFirstSegment() {
        assertThat(respond(endpoints, "GET", "/cluster/x").body())
                .isEqualTo(RestResponse.json(200, FixedSource.CLUSTER).body());
        assertThat(respond(endpoints, "GET", "//history").body()).asString(StandardCharsets.UTF_8).isEqualTo("[]");
        assertThat(respond(endpoints, "GET", "/patroni?x=1").status()).isEqualTo(200);
        assertThat(respond(endpoints, "GET", "/metrics").contentType()).startsWith("text/plain");
    }

    @Test
    void missingConfigOrFailsafeIs502() {
        source.config(Optional.empty());
        assertThat(respond(endpoints, "GET", "/config").status()).isEqualTo(502);
        assertThat(respond(endpoints, "GET", "/failsafe").status()).isEqualTo(502);
    }

    @Test
    void probesAnswerWithStatusOnly() {
        source.publish(Snapshots.from(Snapshots.replica()).livenessOk(false).dcsReachable(false).build());
        assertThat(respond(endpoints, "GET", "/liveness")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).isEmpty();
        });
        assertThat(respond(endpoints, "GET", "/readiness").status()).isEqualTo(503);
    }

    @Test
    void documentIsSerialisedOncePerSnapshot() {
        byte[] first = respond(endpoints, "GET", "/primary").body();
        assertThat(respond(endpoints, "GET", "/health").body()).isSameAs(first);
        source.publish(Snapshots.leader());
        assertThat(respond(endpoints, "GET", "/health").body()).isNotSameAs(first).isEqualTo(first);
    }

    @Test
    void firstSegmentSkipsLeadingSlashes() {
        assertThat(FirstSegment.of("/patroni/x")).isEqualTo("patroni");
        assertThat(FirstSegment.of("//cluster")).isEqualTo("cluster");
        assertThat(FirstSegment.of("/")).isEmpty();
        assertThat(FirstSegment.of("")).isEmpty();
    }
}
