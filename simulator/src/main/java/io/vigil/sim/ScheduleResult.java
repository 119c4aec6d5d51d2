package io.vigil.sim;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of one schedule.
 *
 * @param seed             replays this schedule exactly
 * @param violation        the first invariant broken, if any
 * @param trace            the decision records and events (rendered only when printed)
 * @param steps            events the clock ran
 * @param decisions        decision records in the trace
 * @param promotions       times a PostgreSQL became writable (bootstrap, promotion, start as primary)
 * @param routedWrites     writes acknowledged through the router
 * @param staleDirectAcks  writes that bypassed the router and were acknowledged by a stale primary
 * @param longestStaleDirectMs longest time after a newer promotion a stale primary acknowledged such a write
 * @param convergenceMs    time from the last fault to convergence, -1 when it did not converge
 * @param rewinds          pg_rewind runs that discarded WAL of a diverged former primary
 * @param stuck            nodes still stuck at the convergence bound (diverged, or parked by the core)
 * @param synchronous      the schedule ran in synchronous mode at some point (from the start or switched on)
 * @param commits          the clients' commits, by how they were acknowledged, and those the final primary lost
 * @param twoWriterMs      simulated time during which two servers accepted writes at once (invariant 4c)
 * @param longestTwoWriterMs the longest such window
 * @param fenceStops       times a fence stopped a primary whose agent had not confirmed the lock in time
 * @param failsafeAccepted failsafe rounds in which every member accepted the primary (it kept running)
 * @param failsafeRefused  failsafe rounds in which a member refused or did not answer (the primary demoted)
 */
public record ScheduleResult(long seed, Optional<Violation> violation, Trace trace, long steps, int decisions,
    int promotions, long routedWrites, long staleDirectAcks, long longestStaleDirectMs, long convergenceMs,
    int rewinds, List<StuckNode> stuck, boolean synchronous, CommitStats commits,
    long twoWriterMs, long longestTwoWriterMs, int fenceStops, int failsafeAccepted, int failsafeRefused) {

  /** The trace as printed: one line per decision record or event. */
  public String renderTrace() {
    return trace.render();
  }
}
