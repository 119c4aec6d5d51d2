package io.vigil.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.ha.PeerStatus;
import io.vigil.dcs.MemberNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Polls peers' {@code /patroni} documents in parallel for the leader race (wire spec 3.11.1):
 * 2 s timeout, no retry; an unreachable peer or one whose document has no {@code xlog} is ignored.
 */
final class PeerClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  List<PeerStatus> poll(List<MemberNode> peers) {
    List<CompletableFuture<PeerStatus>> calls = peers.stream().map(this::ask).toList();
    return calls.stream().map(CompletableFuture::join).toList();
  }

  private CompletableFuture<PeerStatus> ask(MemberNode peer) {
    if (peer.apiUrl().isEmpty()) {
      return CompletableFuture.completedFuture(PeerStatus.unreachable(peer.name()));
    }
    HttpRequest req;
    try {
      req = HttpRequest.newBuilder(URI.create(peer.apiUrl().get())).timeout(TIMEOUT).GET().build();
    } catch (IllegalArgumentException badUrl) {
      return CompletableFuture.completedFuture(PeerStatus.unreachable(peer.name()));
    }
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> parse(peer.name(), r.body()))
        .exceptionally(e -> PeerStatus.unreachable(peer.name()));
  }

  static PeerStatus parse(String name, String body) {
    try {
      JsonNode doc = JSON.readTree(body);
      JsonNode xlog = doc.path("xlog");
      if (!xlog.isObject()) {
        return PeerStatus.unreachable(name);
      }
      boolean nofailover = doc.path("tags").path("nofailover").asBoolean(false);
      int timeline = doc.path("timeline").asInt(0);
      long location = xlog.path("location").asLong(0);
      if (location > 0) {
        return new PeerStatus(name, true, true, location, nofailover, timeline);
      }
      long wal = Math.max(xlog.path("received_location").asLong(0), xlog.path("replayed_location").asLong(0));
      return new PeerStatus(name, true, false, wal, nofailover, timeline);
    } catch (Exception garbage) {
      return PeerStatus.unreachable(name);
    }
  }
}
