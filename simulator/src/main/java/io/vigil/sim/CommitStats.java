package io.vigil.sim;

/**
 * The client commits of one run (or of many, summed), by how they were acknowledged, and how many of them the WAL
 * of the run's final primary does not hold (lost). See {@link CommitLedger}.
 *
 * @param asyncAcked     acknowledged without waiting for a synchronous standby, or while synchronous mode was off
 * @param asyncLost      of those, lost: the price of asynchronous replication, not a violation
 * @param asyncRoutedAcked the asynchronous ones a client sent through the router (HAProxy on {@code /primary})
 * @param asyncRoutedLost  of those, lost (the rest are writes that bypassed the router, many to stale primaries)
 * @param syncAcked      acknowledged synchronously (invariant 8 keeps them), not withdrawn
 * @param syncLost       of those, lost: always 0 unless invariant 8 failed
 * @param withdrawnAcked acknowledged synchronously, then an operator switched synchronous mode off
 * @param withdrawnLost  of those, lost after the switch
 * @param unanswered     waiting for their synchronous standbys when their server stopped: never acknowledged
 */
public record CommitStats(long asyncAcked, long asyncLost, long asyncRoutedAcked, long asyncRoutedLost, long syncAcked, long syncLost, long withdrawnAcked,
    long withdrawnLost, long unanswered) {

  static final CommitStats NONE = new CommitStats(0, 0, 0, 0, 0, 0, 0, 0, 0);

  CommitStats plus(CommitStats o) {
    return new CommitStats(asyncAcked + o.asyncAcked, asyncLost + o.asyncLost, asyncRoutedAcked + o.asyncRoutedAcked,
        asyncRoutedLost + o.asyncRoutedLost, syncAcked + o.syncAcked,
        syncLost + o.syncLost, withdrawnAcked + o.withdrawnAcked, withdrawnLost + o.withdrawnLost,
        unanswered + o.unanswered);
  }
}
