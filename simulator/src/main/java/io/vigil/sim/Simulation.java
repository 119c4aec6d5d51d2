package io.vigil.sim;

import java.util.Optional;
import java.util.SplittableRandom;

/** Runs one seeded schedule: formation, a fault phase checked for safety, then a liveness phase. */
public final class Simulation {

  private Simulation() {}

  public static ScheduleResult run(long seed, RunOptions options, DecisionCore core) {
    SimSettings settings = SimSettings.defaults(options.faultPhaseSeconds() * 1000);
    SplittableRandom root = new SplittableRandom(seed);
    Schedule schedule = Schedule.draw(root.split(), settings);
    SimCluster cluster = new SimCluster(settings, root.split(), core, options.strictLiveness());
    cluster.trace("SIM", "seed " + seed + ": " + settings.nodes() + " nodes, ttl " + settings.ttlSeconds()
        + " s, loop_wait " + settings.loopWaitSeconds() + " s, retry_timeout " + settings.retryTimeoutSeconds()
        + " s, faults " + Trace.seconds(settings.formationMs()) + ".." + Trace.seconds(settings.healAtMs())
        + ", convergence bound " + Trace.seconds(settings.convergenceBoundMs()));
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
    return new ScheduleResult(seed, Optional.ofNullable(checker.violation()), cluster.traceLog(),
        cluster.clock().steps(), cluster.decisions(), cluster.promotions(), cluster.routedWrites(),
        checker.staleDirectAcks(), checker.longestStaleDirectMs(), convergence, cluster.rewinds(), checker.stuck());
  }
}
