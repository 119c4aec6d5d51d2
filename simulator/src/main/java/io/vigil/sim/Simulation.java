package io.vigil.sim;

import java.util.Optional;
import java.util.SplittableRandom;

/** Runs one seeded schedule: formation, a fault phase checked for safety, then a liveness phase. */
public final class Simulation {

  private Simulation() {}

  public static ScheduleResult run(long seed, RunOptions options, DecisionCore core) {
    SimSettings defaults = SimSettings.defaults(options.faultPhaseSeconds() * 1000);
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom faults = root.split();
    SplittableRandom world = root.split();
    SplittableRandom sync = root.split();
    return run(seed, options, core, Schedule.draw(faults, sync, root.split(), defaults), world);
  }

  /** Runs {@code schedule} (a hand-made one reproduces a finding with the fewest faults) in the world of {@code seed}. */
  static ScheduleResult run(long seed, RunOptions options, DecisionCore core, Schedule schedule) {
    SplittableRandom root = new SplittableRandom(seed);
    root.split();
    return run(seed, options, core, schedule, root.split());
  }

  private static ScheduleResult run(long seed, RunOptions options, DecisionCore core, Schedule schedule,
      SplittableRandom world) {
    SimSettings settings = SimSettings.defaults(options.faultPhaseSeconds() * 1000).withSync(schedule.sync())
        .withFailsafe(options.failsafe()).withFailoverPriorities(schedule.failoverPriorities())
        .withStandbyCluster(options.standbyCluster());
    SimCluster cluster = new SimCluster(settings, world, core, options);
    cluster.trace("SIM", "seed " + seed + ": " + settings.nodes() + " nodes, ttl " + settings.ttlSeconds()
        + " s, loop_wait " + settings.loopWaitSeconds() + " s, retry_timeout " + settings.retryTimeoutSeconds()
        + " s, faults " + Trace.seconds(settings.formationMs()) + ".." + Trace.seconds(settings.healAtMs())
        + ", convergence bound " + Trace.seconds(settings.convergenceBoundMs())
        + (settings.sync().mode() == SyncSetup.Mode.OFF ? "" : ", " + settings.sync())
        + (options.fence() ? "" : ", fence off") + (options.watchdogMode().equals("off") ? ""
            : ", watchdog " + options.watchdogMode())
        + (settings.failoverPriorities().isEmpty() ? "" : ", failover_priority " + settings.failoverPriorities())
        + (settings.standbyCluster() ? ", standby cluster" : ""));
    for (Fault f : schedule.faults()) {
      f.inject(cluster);
    }
    cluster.start();
    cluster.run();
    InvariantChecker checker = cluster.checker();
    if (!checker.done()) {
      checker.fail(Invariant.CONVERGES, "the run ended before the cluster converged");
    }
    long convergence = checker.convergedAt() < 0 ? -1 : checker.convergedAt() - settings.healAtMs();
    boolean synchronous = settings.sync().mode() != SyncSetup.Mode.OFF
        || schedule.faults().stream().anyMatch(f -> f instanceof Fault.SyncModeChange c && c.mode() != SyncSetup.Mode.OFF);
    return new ScheduleResult(seed, Optional.ofNullable(checker.violation()), cluster.traceLog(),
        cluster.clock().steps(), cluster.decisions(), cluster.promotions(), cluster.routedWrites(),
        checker.staleDirectAcks(), checker.longestStaleDirectMs(), convergence, cluster.rewinds(), checker.stuck(),
        synchronous, checker.durability(), checker.twoWriterMs(), checker.longestTwoWriterMs(), checker.fenceStops(),
        cluster.failsafeAccepted(), cluster.failsafeRefused());
  }
}
