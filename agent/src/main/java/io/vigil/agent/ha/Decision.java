package io.vigil.agent.ha;

import java.util.List;

/**
 * The outcome of one cycle: the rule that fired, Patroni's one-line message for it, the actions to
 * carry out, and the memory to carry into the next cycle.
 */
public record Decision(Rule rule, String message, List<Action> actions, AgentMemory memory) {

  /** True when the decision changes something beyond keeping the DCS up to date. */
  public boolean acts() {
    return actions.stream().anyMatch(a -> !a.housekeeping());
  }
}
