package io.vigil.sim;

/**
 * A node still not streaming when the convergence bound passed, for a reason the core does not repair
 * by itself yet.
 *
 * @param node  member name
 * @param why   whether its WAL diverged from the primary's and was never rewound, or the core parked it
 * @param state what the simulator saw of it
 */
public record StuckNode(String node, Why why, String state) {

  public enum Why { DIVERGED_NOT_REWOUND, PARKED_BY_THE_CORE }

  @Override
  public String toString() {
    return node + " " + (why == Why.DIVERGED_NOT_REWOUND ? "diverged and is not rewound"
        : "was parked by the core after failed rewinds") + " (" + state + ")";
  }
}
