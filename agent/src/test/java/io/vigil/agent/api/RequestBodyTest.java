package io.vigil.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.restapi.WriteRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestBodyTest {

  static WriteRequest post(String body) {
    Map<String, String> headers = body == null ? Map.of()
        : Map.of("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
    return new WriteRequest("POST", "/x", Map.of(), headers,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
  }

  @Test
  void requiredBody() {
    assertThat(RequestBody.required(post(null)).error().get().status()).isEqualTo(411);
    assertThat(RequestBody.required(post("")).error().get().status()).isEqualTo(400);
    assertThat(RequestBody.required(post("{}")).error().get().status()).isEqualTo(400);
    assertThat(RequestBody.required(post("[1]")).error().get().status()).isEqualTo(400);
    assertThat(RequestBody.required(post("{\"a\":1} x")).error().get().status()).isEqualTo(400);
    assertThat(RequestBody.required(post("{\"a\":")).error().get().status()).isEqualTo(400);
    RequestBody ok = RequestBody.required(post("{\"a\":1,\"b\":[true]}"));
    assertThat(ok.ok()).isTrue();
    assertThat(ok.value()).containsEntry("a", 1L);
  }

  @Test
  void optionalBody() {
    assertThat(RequestBody.optional(post(null)).value()).isEmpty();
    assertThat(RequestBody.optional(post("")).value()).isEmpty();
    assertThat(RequestBody.optional(post("{}")).ok()).isTrue();
    assertThat(RequestBody.optional(post("nonsense")).error().get().status()).isEqualTo(400);
    assertThat(RequestBody.optional(post("\"force\"")).error().get().status()).isEqualTo(400);
  }
}
