package io.vigil.sim;

import io.vigil.agent.ha.AgentMemory;
import io.vigil.agent.ha.Decision;
import io.vigil.agent.ha.HaCore;
import io.vigil.agent.ha.Observation;

/**
 * The decision function the simulated agents run. Production runs {@link HaCore#decide} unchanged; tests
 * wrap it to check that the invariants catch a broken rule.
 */
@FunctionalInterface
public interface DecisionCore {

  DecisionCore HA_CORE = HaCore::decide;

  Decision decide(Observation observation, AgentMemory memory);
}
