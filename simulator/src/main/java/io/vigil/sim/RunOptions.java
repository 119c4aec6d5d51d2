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
 * @param failsafe          {@code failsafe_mode: true} in every schedule's {@code bootstrap.dcs} ({@code --failsafe})
 * @param standbyCluster    the cluster is a standby cluster ({@code standby_cluster} in {@code bootstrap.dcs}) whose
 *                          remote primary is never reachable: nobody may ever accept writes (invariant 10)
 */
public record RunOptions(long faultPhaseSeconds, boolean strictLiveness, boolean fence, String watchdogMode,
    boolean failsafe, boolean standbyCluster) {

  /** Four simulated minutes of faults. */
  public static final long DEFAULT_FAULT_PHASE_SECONDS = 240;

  public RunOptions {
    if (!java.util.Set.of(Guards.OFF, Guards.AUTOMATIC, Guards.REQUIRED).contains(watchdogMode)) {
      throw new IllegalArgumentException("unknown watchdog mode " + watchdogMode + " (off, automatic, required)");
    }
  }

  /** Without failsafe mode. */
  public RunOptions(long faultPhaseSeconds, boolean strictLiveness, boolean fence, String watchdogMode) {
    this(faultPhaseSeconds, strictLiveness, fence, watchdogMode, false);
  }

  /** Not a standby cluster. */
  public RunOptions(long faultPhaseSeconds, boolean strictLiveness, boolean fence, String watchdogMode,
      boolean failsafe) {
    this(faultPhaseSeconds, strictLiveness, fence, watchdogMode, failsafe, false);
  }

  /** The fence on, no watchdog. */
  public RunOptions(long faultPhaseSeconds, boolean strictLiveness) {
    this(faultPhaseSeconds, strictLiveness, true, Guards.OFF);
  }

  public RunOptions withFailsafe(boolean on) {
    return new RunOptions(faultPhaseSeconds, strictLiveness, fence, watchdogMode, on, standbyCluster);
  }

  public RunOptions withStandbyCluster(boolean on) {
    return new RunOptions(faultPhaseSeconds, strictLiveness, fence, watchdogMode, failsafe, on);
  }

  public static RunOptions defaults() {
    return new RunOptions(DEFAULT_FAULT_PHASE_SECONDS, false);
  }

  public RunOptions withFence(boolean on) {
    return new RunOptions(faultPhaseSeconds, strictLiveness, on, watchdogMode, failsafe, standbyCluster);
  }

  public RunOptions withWatchdog(String mode) {
    return new RunOptions(faultPhaseSeconds, strictLiveness, fence, mode, failsafe, standbyCluster);
  }
}
