package io.vigil.agent.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.restapi.RestResponse;
import io.vigil.restapi.WriteRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a JSON request body the way Patroni's {@code _read_json_content} does: a required body needs a
 * {@code Content-Length} (else 411) and must be a non-empty JSON object (else 400); an optional body may
 * be absent or empty and then reads as {@code {}}, but when present it must still be a JSON object.
 * Integers become {@code Long}, as in every map read from ZooKeeper.
 *
 * @param value the parsed object (mutable, insertion-ordered), present when {@code error} is empty
 * @param error the ready-made error response
 */
record RequestBody(Map<String, Object> value, Optional<RestResponse> error) {

  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  static RequestBody required(WriteRequest request) {
    if (!request.hasContentLength()) {
      return failed(RestResponse.error(411));
    }
    return parse(request.bodyAsString(), false);
  }

  static RequestBody optional(WriteRequest request) {
    if (!request.hasContentLength() || request.body().length == 0) {
      return new RequestBody(new LinkedHashMap<>(), Optional.empty());
    }
    return parse(request.bodyAsString(), true);
  }

  boolean ok() {
    return error.isEmpty();
  }

  static RequestBody parse(String text, boolean emptyObjectAllowed) {
    Object parsed;
    try {
      parsed = JSON.readValue(text, Object.class);
    } catch (IOException | RuntimeException e) {
      return failed(RestResponse.error(400));
    }
    if (parsed instanceof Map<?, ?> map && (emptyObjectAllowed || !map.isEmpty())) {
      Map<String, Object> object = new LinkedHashMap<>();
      map.forEach((k, v) -> object.put(String.valueOf(k), v));
      return new RequestBody(object, Optional.empty());
    }
    return failed(RestResponse.error(400));
  }

  private static RequestBody failed(RestResponse response) {
    return new RequestBody(Map.of(), Optional.of(response));
  }
}
