package io.vigil.agent.ha;

import io.vigil.postgres.RecoveryTarget;
import java.util.Optional;

/**
 * What the agent carries from one cycle to the next. It is an input and an output of every decision,
 * so a cycle is a pure function of (observation, memory) and the simulator can replay it.
 *
 * @param pgState        the PostgreSQL state the agent publishes ("running", "creating replica", ...)
 * @param initializeWon  this node created {@code /initialize} and must bootstrap the cluster
 * @param following      the upstream the local recovery configuration points to, when known
 * @param cycle          number of the cycle that produced this memory
 */
public record AgentMemory(String pgState, boolean initializeWon, Optional<RecoveryTarget> following, long cycle) {

  public static AgentMemory initial() {
    return new AgentMemory("stopped", false, Optional.empty(), 0);
  }

  public AgentMemory withPgState(String s) {
    return new AgentMemory(s, initializeWon, following, cycle);
  }

  public AgentMemory withInitializeWon(boolean won) {
    return new AgentMemory(pgState, won, following, cycle);
  }

  public AgentMemory withFollowing(Optional<RecoveryTarget> target) {
    return new AgentMemory(pgState, initializeWon, target, cycle);
  }

  public AgentMemory nextCycle() {
    return new AgentMemory(pgState, initializeWon, following, cycle + 1);
  }
}
