package io.vigil.agent.daemon;

import io.vigil.agent.ha.FailsafeLeader;
import java.util.Optional;

/**
 * The last {@code POST /failsafe} this agent accepted, shared between the REST handler that records it and the
 * observer that hands it to the core (which judges its age against ttl).
 */
final class FailsafeState {

  private volatile Optional<FailsafeLeader> leader = Optional.empty();

  void accepted(FailsafeLeader from) {
    leader = Optional.of(from);
  }

  Optional<FailsafeLeader> leader() {
    return leader;
  }
}
