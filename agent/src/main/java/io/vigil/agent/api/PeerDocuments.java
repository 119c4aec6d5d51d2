package io.vigil.agent.api;

import io.vigil.dcs.MemberNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fetches members' REST status documents ({@code GET <api_url>}, i.e. their {@code /patroni}) in parallel.
 * The HTTP implementation is {@link HttpPeerDocuments}; tests use a map.
 */
@FunctionalInterface
interface PeerDocuments {

  /** One entry per member, in order: its parsed JSON document, or empty when unreachable or garbage. */
  List<Optional<Map<String, Object>>> fetch(List<MemberNode> members);
}
