package io.vigil.agent.daemon;

import io.vigil.agent.ha.FailsafeLeader;
import java.util.Optional;

/**
 * The last {@code POST /failsafe} this agent accepted, shared between the REST handler that records it and the
 * observer that hands it to the core (which judges its age against ttl).
 */
final class FailsafeState {

  private volatile Optional<FailsafeLeader> leader = Optional.empty();
  /**
   * {@code /failsafe} as this agent last read or wrote it (Patroni's {@code _last_failsafe}): whom a failsafe round
   * asks. The leader's own write counts, or a primary whose next read fails would ask the members of the value read
   * before it (one member fewer when one just joined) while that member, named in the written value, may race.
   */
  private volatile Optional<java.util.Map<String, String>> topology = Optional.empty();

  void sawTopology(Optional<java.util.Map<String, String>> read) {
    topology = read;
  }

  void wroteTopology(java.util.Map<String, String> written) {
    topology = Optional.of(java.util.Map.copyOf(written));
  }

  Optional<java.util.Map<String, String>> topology() {
    return topology;
  }

  void accepted(FailsafeLeader from) {
    leader = Optional.of(from);
  }

  Optional<FailsafeLeader> leader() {
    return leader;
  }
}
