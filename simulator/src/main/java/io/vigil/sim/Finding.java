package io.vigil.sim;

/**
 * A root cause the checker recognises behind a violation, so a report names the open problem it hits
 * rather than only the invariant. A violation without any finding is unexplained.
 */
public enum Finding {
  STALE_TIMELINE_RACE("a node whose WAL forked off the newest primary's history (an older timeline, or a reused "
      + "timeline id) won the leader race: a replica passes because LSNs are compared across timelines, an old "
      + "primary because it races without any check"),
  SWITCHOVER_CANDIDATE_BEHIND("the switchover candidate took the lock and promoted without the WAL its old leader "
      + "wrote up to its clean stop: neither the leader's choice of candidate (ManualFailover.caughtUp) nor the "
      + "candidate's way to the promotion (candidateStance or the leader race, AcquireLock, PROMOTE_WITH_LOCK) looks at "
      + "the timeline or the final LSN, only at maximum_lag_on_failover, so a candidate still on the old leader's "
      + "parent timeline opens the old leader's timeline id a second time"),
  PROMOTED_BEHIND_HISTORY("the lock holder promoted although /history, read in the same cycle, already showed a "
      + "newer timeline than its own: PROMOTE_WITH_LOCK does not look at the timeline. The leader race does, but on "
      + "the view of the cycle that took the lock, read before a peer poll that can take 2 s (meanwhile another node "
      + "promoted and handed the lock over in a switchover), and the named switchover candidate skips it"),
  SWITCHOVER_NEVER_COMPLETES("a switchover request is still pending after the faults: the leader steps down for a "
      + "candidate that does not take over (it lags beyond maximum_lag_on_failover), takes the lock back and "
      + "promotes itself again, over and over"),
  SYNC_OFF_RECORD_BLOCKS_FAILOVER("synchronous mode was switched off and on again, and the leader was lost before it "
      + "rewrote /sync: the {} the leader wrote when the mode went off stays, and SyncReplication.whyNotSynchronous "
      + "lets nobody take the lock while /sync names no leader (not even the old leader), so the cluster never elects "
      + "one again. No commit can have been acknowledged synchronously under a /sync without a leader (a leader "
      + "claims /sync before PostgreSQL waits for any standby); Patroni lets the usual rules decide then"),
  SYNC_WRITTEN_AFTER_LEASE("a leader's agent was frozen (or slow) between deciding and writing /sync; its session "
      + "expired meanwhile, the client opened a new one, and the WriteSync (compare-and-set on the /sync version only) "
      + "went through: /sync names a leader that no longer holds the lock. The executor does not drop the rest of a "
      + "leader's action list when its ZooKeeper session changed since the observation"),
  WALL_CLOCK_LEASE("the stale node's wall clock was stepped back: its lock flag and ZooKeeper contact age are "
      + "measured on the wall clock and outlive the lock");

  private final String explanation;

  Finding(String explanation) {
    this.explanation = explanation;
  }

  public String explanation() {
    return explanation;
  }
}
