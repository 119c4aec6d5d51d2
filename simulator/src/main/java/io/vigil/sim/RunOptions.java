package io.vigil.sim;

import io.vigil.agent.ha.Guards;

/**
 * How schedules are run and judged.
 *
 * @param faultPhaseSeconds simulated seconds of the fault (safety) phase: the launcher's {@code --steps}
 * @param strictLiveness    nodes still stuck at the convergence bound (diverged and never rewound, or
 *                          parked by the core for an operator) fail invariant 5 instead of being counted
 * @param fence             every agent runs Vigil's fence process ({@code vigil.fence}, on by default as in the
 *                          daemon); off, two writers at once are counted (the known gap) instead of failing 4c
 * @param watchdogMode      {@code watchdog.mode} of every agent: {@code off} (the default here), {@code automatic} or
 *                          {@code required}; every machine has a watchdog device unless a fault removes it
 */
public record RunOptions(long faultPhaseSeconds, boolean strictLiveness, boolean fence, String watchdogMode) {

  /** Four simulated minutes of faults. */
  public static final long DEFAULT_FAULT_PHASE_SECONDS = 240;

  public RunOptions {
    if (!java.util.Set.of(Guards.OFF, Guards.AUTOMATIC, Guards.REQUIRED).contains(watchdogMode)) {
      throw new IllegalArgumentException("unknown watchdog mode " + watchdogMode + " (off, automatic, required)");
    }
  }

  /** The fence on, no watchdog. */
  public RunOptions(long faultPhaseSeconds, boolean strictLiveness) {
    this(faultPhaseSeconds, strictLiveness, true, Guards.OFF);
  }

  public static RunOptions defaults() {
    return new RunOptions(DEFAULT_FAULT_PHASE_SECONDS, false);
  }

  public RunOptions withFence(boolean on) {
    return new RunOptions(faultPhaseSeconds, strictLiveness, on, watchdogMode);
  }

  public RunOptions withWatchdog(String mode) {
    return new RunOptions(faultPhaseSeconds, strictLiveness, fence, mode);
  }
}
