package io.vigil.restapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class WriteEndpointsTest {

    private static final Supplier<WriteRequest> NO_BODY =
            () -> new WriteRequest("POST", "/reload", Map.of(), Map.of(), null, "127.0.0.1");

    private static AccessCheck.Caller caller(String authorization) {
        return new AccessCheck.Caller("127.0.0.1", false, authorization);
    }

    @Test
    void unknownRouteIs501WithoutAskingForCredentials() {
        try (WriteEndpoints writes = new WriteEndpoints(List.of(), Optional.of(new BasicCredentials("u", "p")))) {
            RestResponse r = writes.dispatch("POST", "/reload", caller(null), NO_BODY).join();
            assertThat(r.status()).isEqualTo(501);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("Unsupported method ('POST')");
        }
    }

    @Test
    void credentialsAreCheckedBeforeTheBodyIsRead() {
        WriteEndpoint reload = new WriteEndpoint("POST", "/reload", req -> RestResponse.text(202, "reload scheduled"));
        try (WriteEndpoints writes = new WriteEndpoints(List.of(reload), Optional.of(new BasicCredentials("u", "p")))) {
            Supplier<WriteRequest> mustNotRead = () -> {
                throw new AssertionError("body read before authentication");
            };
            assertThat(writes.dispatch("POST", "/reload", caller(null), mustNotRead).join().status()).isEqualTo(401);
            String good = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
            assertThat(writes.dispatch("POST", "/reload/now", caller(good), NO_BODY).join().status()).isEqualTo(202);
        }
    }

    @Test
    void saturatedExecutorAnswers503InsteadOfQueueingForever() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        WriteEndpoint slow = new WriteEndpoint("POST", "/switchover", req -> {
            release.await(30, TimeUnit.SECONDS);
            return RestResponse.text(200, "done");
        });
        try (WriteEndpoints writes = new WriteEndpoints(List.of(slow), Optional.empty())) {
            List<CompletableFuture<RestResponse>> accepted = new ArrayList<>();
            for (int i = 0; i < WriteEndpoints.MAX_RUNNING + WriteEndpoints.MAX_WAITING; i++) {
                accepted.add(writes.dispatch("POST", "/switchover", caller(null), NO_BODY));
            }
            RestResponse rejected = writes.dispatch("POST", "/switchover", caller(null), NO_BODY).join();
            assertThat(rejected.status()).isEqualTo(503);
            release.countDown();
            for (CompletableFuture<RestResponse> f : accepted) {
                assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void failingHandlerIs503() {
        WriteEndpoint broken = new WriteEndpoint("DELETE", "/restart", req -> {
            throw new IllegalStateException("boom");
        });
        WriteEndpoint silent = new WriteEndpoint("PUT", "/config", req -> null);
        try (WriteEndpoints writes = new WriteEndpoints(List.of(broken, silent), Optional.empty())) {
            assertThat(writes.dispatch("DELETE", "/restart", caller(null), NO_BODY).join().status()).isEqualTo(503);
            assertThat(writes.dispatch("PUT", "/config", caller(null), NO_BODY).join().status()).isEqualTo(503);
        }
    }

    @Test
    void endpointDefinitionsAreValidated() {
        WriteHandler h = req -> RestResponse.statusOnly(200);
        assertThat(new WriteEndpoint("post", "/switchover", h).method()).isEqualTo("POST");
        assertThatThrownBy(() -> new WriteEndpoint("GET", "/x", h)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WriteEndpoint("POST", "switchover", h)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WriteEndpoint("POST", "/a/b", h)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WriteEndpoints(
                List.of(new WriteEndpoint("POST", "/x", h), new WriteEndpoint("POST", "/x", h)), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void basicAuthComparesTheWholeHeader() {
        BasicAuth auth = new BasicAuth(new BasicCredentials("patroni", "s3cret"));
        String token = Base64.getEncoder().encodeToString("patroni:s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(auth.reject("Basic " + token)).isEmpty();
        assertThat(auth.reject(null)).get().satisfies(r -> {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.headers()).containsEntry("WWW-Authenticate", "Basic realm=\"Patroni\"");
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("no auth header received");
        });
        for (String wrong : List.of("basic " + token, "Basic  " + token, "Basic " + token + "=", "Bearer " + token, "")) {
            assertThat(auth.reject(wrong)).as(wrong).get()
                    .extracting(r -> new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("not authenticated");
        }
        assertThat(new BasicCredentials("patroni", "s3cret").toString()).doesNotContain("s3cret");
    }
}
