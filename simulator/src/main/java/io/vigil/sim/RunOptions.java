package io.vigil.sim;

/**
 * How schedules are run and judged.
 *
 * @param faultPhaseSeconds simulated seconds of the fault (safety) phase: the launcher's {@code --steps}
 * @param strictLiveness    nodes still stuck at the convergence bound (diverged and never rewound, or
 *                          parked by the core for an operator) fail invariant 5 instead of being counted
 */
public record RunOptions(long faultPhaseSeconds, boolean strictLiveness) {

  /** Four simulated minutes of faults. */
  public static final long DEFAULT_FAULT_PHASE_SECONDS = 240;

  public static RunOptions defaults() {
    return new RunOptions(DEFAULT_FAULT_PHASE_SECONDS, false);
  }
}
