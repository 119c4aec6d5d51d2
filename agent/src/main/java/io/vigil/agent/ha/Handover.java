package io.vigil.agent.ha;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.FailoverNode;
import java.util.Optional;

/**
 * A planned handover of the leader lock: a switchover, or a failover to a named candidate, requested while the old
 * leader's agent is alive. The old leader stops PostgreSQL cleanly and publishes the LSN of its shutdown checkpoint
 * as the optime before it deletes the lock, so the candidate can always have every byte it wrote. Promoting without
 * them is what forks a timeline: "within maximum_lag_on_failover" is a rule for a dead leader, not a stopped one.
 *
 * @param oldLeader       the member that stepped down
 * @param finalLsn        the old leader's published final position (its shutdown checkpoint starts there)
 * @param timeline        the cluster's timeline by {@code /history}, the one the old leader wrote on; 0 = unknown
 * @param failoverVersion version of the {@code /failover} request, to clear it with CAS
 */
record Handover(String oldLeader, long finalLsn, int timeline, int failoverVersion) {

  /** How long either side waits on the other before the handover is called off (documented in docs/operations.md). */
  static final long WAIT_MS = 10_000;

  /** How soon a waiting side looks again: streaming a checkpoint record takes milliseconds. */
  static final long RECHECK_MS = 100;

  /**
   * The handover this lock holder is in the middle of: a request from another leader, for me or for anyone, whose
   * old leader is still a member and published a final position. Empty for an unplanned failover (the old leader's
   * member key is gone with its session), where {@code maximum_lag_on_failover} decides instead.
   */
  static Optional<Handover> pending(Observation o, ClusterView view) {
    Optional<FailoverNode> request = view.failover();
    if (request.isEmpty() || view.optime().isEmpty()) {
      return Optional.empty();
    }
    FailoverNode f = request.get();
    String me = o.settings().name();
    boolean forMe = f.member().map(me::equals).orElse(true);
    Optional<String> old = f.leader().filter(l -> !l.equals(me) && view.member(l).isPresent());
    if (!forMe || old.isEmpty()) {
      return Optional.empty();
    }
    int timeline = LeaderRace.clusterTimeline(view, me, o.pg().timeline());
    return Optional.of(new Handover(old.get(), view.optime().getAsLong(), timeline, f.version()));
  }

  /**
   * This node has received the old leader's last record: it is on the old leader's timeline and past the start of
   * the shutdown checkpoint (so it has the checkpoint too, and the old leader can follow it without pg_rewind).
   */
  boolean receivedBy(LocalPg pg) {
    boolean timelineOk = timeline == 0 || pg.timeline() >= timeline;
    return timelineOk && Long.compareUnsigned(pg.walPosition(), finalLsn) > 0;
  }

  String describe(LocalPg pg) {
    return "the final WAL of " + oldLeader + " (LSN " + finalLsn + (timeline > 0 ? " on timeline " + timeline : "")
        + "); I have LSN " + pg.walPosition() + " on timeline " + pg.timeline();
  }
}
