package io.vigil.agent.daemon;

import io.vigil.agent.api.ClientTls;
import io.vigil.agent.api.HttpPeerDocuments;
import io.vigil.agent.ha.PeerStatus;
import io.vigil.dcs.FailoverTags;
import io.vigil.dcs.JsonValues;
import io.vigil.dcs.MemberNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Polls peers' {@code /patroni} documents in parallel for the leader race (wire spec 3.11.1):
 * 2 s timeout, no retry; an unreachable peer or one whose document has no {@code xlog} is ignored.
 */
final class PeerClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final HttpPeerDocuments documents;

  PeerClient(Supplier<ClientTls> tls) {
    this.documents = new HttpPeerDocuments(TIMEOUT, tls);
  }

  List<PeerStatus> poll(List<MemberNode> peers) {
    List<Optional<Map<String, Object>>> docs = documents.fetch(peers);
    List<PeerStatus> out = new ArrayList<>(peers.size());
    for (int i = 0; i < peers.size(); i++) {
      String name = peers.get(i).name();
      out.add(docs.get(i).map(d -> status(name, d)).orElse(PeerStatus.unreachable(name)));
    }
    return out;
  }

  /** What the race needs from a peer's document; lenient about types, as Jackson's {@code asLong} & co. were. */
  static PeerStatus status(String name, Map<String, Object> doc) {
    if (!(doc.get("xlog") instanceof Map<?, ?> xlog)) {
      return PeerStatus.unreachable(name);
    }
    Map<?, ?> tags = doc.get("tags") instanceof Map<?, ?> t ? t : Map.of();
    boolean nofailover = FailoverTags.nofailover(tags);
    int priority = FailoverTags.failoverPriority(tags);
    int timeline = (int) number(doc.get("timeline"));
    long location = number(xlog.get("location"));
    if (location > 0) {
      return new PeerStatus(name, true, true, location, nofailover, timeline, priority);
    }
    long wal = Math.max(number(xlog.get("received_location")), number(xlog.get("replayed_location")));
    return new PeerStatus(name, true, false, wal, nofailover, timeline, priority);
  }

  /** A number of a member document (JSON number or decimal string, as Patroni accepts); 0 when absent or garbage. */
  private static long number(Object v) {
    return JsonValues.integer(v).orElse(0);
  }
}
