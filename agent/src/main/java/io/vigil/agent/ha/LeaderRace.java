package io.vigil.agent.ha;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.MemberNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Am I the healthiest node to take a free leader lock (wire spec 3.11.1)? A node races only if it is
 * on the cluster's newest timeline, no peer is a running primary, on a newer timeline or ahead in
 * WAL, it is allowed to fail over, and it is not lagging beyond {@code maximum_lag_on_failover}
 * behind the last known leader position. At equal WAL a peer with a higher {@code failover_priority}
 * tag wins. WAL positions are only comparable on one timeline, so the timeline checks come first
 * (Patroni 3.0.2 makes them optional; Vigil always applies them).
 */
public final class LeaderRace {

  private LeaderRace() {}

  /**
   * Whom a race polls (wire spec 3.11 item 9): every other member that may promote (not tagged nofailover, no
   * failover_priority of 0 or less) and, in failsafe mode, every other name in {@code /failsafe} that has no member
   * key (a primary running on failsafe lost its session, and with it its member key, but it still answers as a live
   * primary).
   */
  public static List<MemberNode> candidates(ClusterView view, NodeSettings settings) {
    String me = settings.name();
    List<MemberNode> out = new java.util.ArrayList<>(view.members().stream()
        .filter(m -> !m.name().equals(me) && !m.nofailover()).toList());
    if (settings.dynamic().failsafeMode()) {
      view.failsafe().ifPresent(f -> f.forEach((name, url) -> {
        if (!name.equals(me) && view.member(name).isEmpty()) {
          out.add(new MemberNode(name, Map.of("api_url", url), 0));
        }
      }));
    }
    return List.copyOf(out);
  }

  /** Empty when this node may race; otherwise the reason it must not. */
  static Optional<String> whyNotHealthiest(Observation o, AgentMemory memory) {
    LocalPg pg = o.pg();
    Optional<String> unguarded = Fencing.whyCannotLead(o);
    if (unguarded.isPresent()) {
      return unguarded;
    }
    int ttl = o.settings().dynamic().ttl();
    Optional<String> standingDown = memory.standingDown(o.nowMillis(), ttl);
    if (standingDown.isPresent()) {
      return standingDown;
    }
    int clusterTimeline = o.view().map(v -> clusterTimeline(v, o.settings().name(), pg.timeline())).orElse(0);
    if (pg.timeline() > 0 && pg.timeline() < clusterTimeline) {
      return Optional.of("my timeline " + pg.timeline() + " is behind the cluster's timeline " + clusterTimeline);
    }
    for (PeerStatus peer : o.peers()) {
      if (peer.reachable() && peer.timeline() > pg.timeline() && pg.timeline() > 0) {
        return Optional.of(peer.name() + " is on a newer timeline (" + peer.timeline() + " > " + pg.timeline() + ")");
      }
    }
    if (pg.isPrimary()) {
      return Optional.empty();
    }
    if (o.settings().nofailover()) {
      Map<String, Object> tags = o.settings().tags();
      String tag = tags.containsKey("nofailover") || !tags.containsKey("failover_priority") ? "nofailover"
          : "failover_priority " + tags.get("failover_priority");
      return Optional.of("i am not allowed to promote (" + tag + ")");
    }
    if (memory.rewindFailures() >= AgentMemory.MAX_REWIND_ATTEMPTS) {
      return Optional.of("my data directory could not be rewound and needs reinitializing");
    }
    if (o.settings().dynamic().failsafeMode()) {
      // Patroni 3.0.2 (3.11.1 item 9): a member left out of /failsafe was not asked by a primary running on failsafe,
      // which may still be taking writes.
      Optional<Map<String, String>> failsafe = o.view().flatMap(v -> v.failsafe()).filter(m -> !m.isEmpty());
      if (failsafe.isPresent() && !failsafe.get().containsKey(o.settings().name())) {
        return Optional.of("failsafe mode is on and /failsafe does not name me");
      }
    }
    Optional<String> notSynchronous = o.view().flatMap(v -> SyncReplication.whyNotSynchronous(o, v));
    if (notSynchronous.isPresent()) {
      return notSynchronous;
    }
    long myWal = pg.walPosition();
    long maxLag = o.settings().dynamic().maximumLagOnFailover();
    var optime = o.view().flatMap(v -> v.optime().isPresent() ? Optional.of(v.optime().getAsLong()) : Optional.empty());
    if (optime.isPresent() && optime.get() - myWal > maxLag) {
      return Optional.of("my wal position " + myWal + " lags " + (optime.get() - myWal)
          + " bytes behind the last leader position, more than maximum_lag_on_failover " + maxLag);
    }
    for (PeerStatus peer : o.peers()) {
      if (!peer.reachable() || peer.nofailover()
          || !o.view().map(v -> SyncReplication.allows(o, v, peer.name())).orElse(true)) {
        continue;
      }
      boolean olderTimeline = peer.timeline() > 0 && peer.timeline() < pg.timeline();
      if (peer.primary() && !olderTimeline) {
        return Optional.of("primary " + peer.name() + " is still alive");
      }
      if (peer.walPosition() > myWal && !olderTimeline) {
        return Optional.of(peer.name() + " has a higher wal position (" + peer.walPosition() + " > " + myWal + ")");
      }
      // Patroni 3.2: at equal WAL the higher failover_priority wins; a lower one never outranks more WAL.
      int myPriority = o.settings().failoverPriority();
      if (peer.walPosition() == myWal && !olderTimeline && peer.failoverPriority() > myPriority) {
        return Optional.of(peer.name() + " has the same wal position (" + myWal + ") and a higher failover_priority ("
            + peer.failoverPriority() + " > " + myPriority + ")");
      }
    }
    return Optional.empty();
  }

  /**
   * Timeline the cluster has reached according to {@code /history} (wire spec 1.7), as {@code me} knows it; 0 =
   * unknown. A provisional line this node wrote itself for a promotion it did not complete (it is still on that
   * line's parent timeline) does not count for it: it knows no node reached that timeline through it. Every other
   * node must assume it did.
   */
  static int clusterTimeline(ClusterView view, String me, int myTimeline) {
    if (!view.historyPresent()) {
      return 0;
    }
    List<List<Object>> h = view.history();
    if (!h.isEmpty() && myUnfinishedPromotion(h.get(h.size() - 1), me, myTimeline)) {
      h = h.subList(0, h.size() - 1);
    }
    if (h.isEmpty()) {
      return 1;
    }
    Object parent = h.get(h.size() - 1).isEmpty() ? null : h.get(h.size() - 1).get(0);
    return parent instanceof Number n ? n.intValue() + 1 : 0;
  }

  private static boolean myUnfinishedPromotion(List<Object> line, String me, int myTimeline) {
    return line.size() >= 5 && HaCore.PROVISIONAL.equals(line.get(2)) && me.equals(line.get(4))
        && line.get(0) instanceof Number parent && myTimeline > 0 && myTimeline <= parent.intValue();
  }

  /**
   * A replica on an older timeline that already replayed past the point where the cluster switched
   * to the next timeline has WAL the leader never had: it cannot stream until it is rewound.
   */
  static boolean divergedFromHistory(ClusterView view, LocalPg pg) {
    // The timeline is the walreceiver's, or without one the newest among the WAL segments this replica holds
    // (StatusQuery), not the lagging restartpoint timeline. Requiring a walreceiver would miss exactly the diverged
    // replicas: theirs fails at once and retries only every wal_retrieve_retry_interval.
    if (pg.timeline() <= 0) {
      return false;
    }
    for (List<Object> entry : view.history()) {
      if (entry.size() >= 3 && !HaCore.PROVISIONAL.equals(entry.get(2))
          && entry.get(0) instanceof Number tl && tl.intValue() == pg.timeline()
          && entry.get(1) instanceof Number switchLsn) {
        return pg.walPosition() > switchLsn.longValue();
      }
    }
    return false;
  }
}
