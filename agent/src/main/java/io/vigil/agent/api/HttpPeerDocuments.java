package io.vigil.agent.api;

import io.vigil.dcs.MemberNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@code GET <api_url>} of each member, all at once, with Patroni's 2 s timeout and no retry. */
final class HttpPeerDocuments implements PeerDocuments {

  private final Duration timeout;
  private final HttpClient http;

  HttpPeerDocuments(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public List<Optional<Map<String, Object>>> fetch(List<MemberNode> members) {
    List<CompletableFuture<Optional<Map<String, Object>>>> calls = members.stream().map(this::get).toList();
    return calls.stream().map(CompletableFuture::join).toList();
  }

  private CompletableFuture<Optional<Map<String, Object>>> get(MemberNode member) {
    if (member.apiUrl().isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(member.apiUrl().get())).timeout(timeout).GET().build();
    } catch (IllegalArgumentException badUrl) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> parse(r.body()))
        .exceptionally(e -> Optional.empty());
  }

  static Optional<Map<String, Object>> parse(String body) {
    try {
      Object doc = RequestBody.JSON.readValue(body, Object.class);
      if (doc instanceof Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return Optional.of(out);
      }
    } catch (Exception garbage) {
      // unreachable for our purposes
    }
    return Optional.empty();
  }
}
