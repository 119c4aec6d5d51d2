package io.vigil.agent.ha;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.FailoverNode;
import io.vigil.dcs.MemberNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Switchover and manual failover (wire spec 3.10, 3.11.2): the leader's side, which steps down for
 * a healthy candidate, and the candidates' side, which lets the named candidate take the free lock.
 */
final class ManualFailover {

  private ManualFailover() {}

  /** What the lock holder does about a pending {@code /failover} request; empty when there is none. */
  static Optional<Verdict> onLeader(Observation o, ClusterView view, long waitingSince) {
    Optional<FailoverNode> request = view.failover();
    if (request.isEmpty()) {
      return Optional.empty();
    }
    FailoverNode f = request.get();
    String me = o.settings().name();
    OptionalInt version = OptionalInt.of(f.version());
    if (f.scheduledAt().isPresent() && !o.settings().dynamic().pause()) {
      Optional<Long> at = instant(f.scheduledAt().get());
      long loopWaitMs = o.settings().dynamic().loopWait() * 1000L;
      if (at.isEmpty()) {
        return Optional.of(clear(Rule.MANUAL_FAILOVER_CLEARED,
            "removed a failover request with an unreadable scheduled_at " + f.scheduledAt().get(), version));
      }
      long in = at.get() - o.nowMillis();
      if (in > loopWaitMs) {
        return Optional.of(new Verdict(Rule.SCHEDULED_FAILOVER_WAIT,
            "awaiting failover at " + f.scheduledAt().get() + " (in " + in / 1000 + " seconds)", List.of(), false));
      }
      if (-in > loopWaitMs * 3 / 2) {
        return Optional.of(clear(Rule.MANUAL_FAILOVER_CLEARED,
            "found a stale failover value scheduled at " + f.scheduledAt().get() + ", cleaning up", version));
      }
      if (in > 0) {
        return Optional.of(new Verdict(Rule.SCHEDULED_FAILOVER_WAIT,
            "failover scheduled at " + f.scheduledAt().get() + " is due in " + in + " ms",
            List.of(new Action.RecheckSoon(in)), false));
      }
    }
    boolean forMe = f.leader().map(me::equals).orElse(true);
    if (!forMe || f.member().map(me::equals).orElse(false)) {
      // Completed (I am the requested member) or aimed at a leader I am not: either way it is done.
      return Optional.of(clear(Rule.MANUAL_FAILOVER_CLEARED, "cleared the completed or stale failover request",
          f.member().map(me::equals).orElse(false) ? OptionalInt.empty() : version));
    }
    List<String> healthy = healthyCandidates(o, view, f.member());
    if (healthy.isEmpty()) {
      return Optional.of(clear(Rule.MANUAL_FAILOVER_CLEARED, "manual failover: no healthy candidate"
          + f.member().map(m -> " (" + m + " is not a healthy replica)").orElse("") + "; request removed", version));
    }
    Optional<String> streaming = healthy.stream().filter(n -> receivesMyWal(o, view, n)).findFirst();
    if (streaming.isPresent()) {
      return Optional.of(new Verdict(Rule.MANUAL_FAILOVER_DEMOTE, "manual failover: demoting myself for "
          + streaming.get(), List.of(new Action.GracefulDemote(streaming.get())), false));
    }
    // A candidate that is not streaming from me (just re-pointed, reconnecting) would miss the shutdown checkpoint
    // and everything before it that it has not received: it could only give the lock back.
    long waited = waitingSince > 0 ? o.nowMillis() - waitingSince : 0;
    if (waited >= Handover.WAIT_MS) {
      return Optional.of(clear(Rule.MANUAL_FAILOVER_CLEARED, "manual failover: " + String.join(", ", healthy)
          + " did not stream from me within " + Handover.WAIT_MS + " ms; request removed", version));
    }
    return Optional.of(new Verdict(Rule.MANUAL_FAILOVER_WAIT_FOR_CANDIDATE, "manual failover: waiting for "
        + String.join(", ", healthy) + " to stream from me before stepping down",
        List.of(new Action.RecheckSoon(Handover.RECHECK_MS)), true));
  }

  /**
   * The candidate's walsender on this primary is streaming, so a clean stop sends it the shutdown checkpoint. A
   * candidate that cascades from another member ({@code replicatefrom}) gets the WAL through it instead; its own
   * wait for the final WAL (see {@link Handover}) covers it.
   */
  private static boolean receivesMyWal(Observation o, ClusterView view, String name) {
    boolean cascades = view.member(name).map(m -> m.tags().get("replicatefrom"))
        .map(from -> from instanceof String s && !s.equals(o.settings().name()) && view.member(s).isPresent())
        .orElse(false);
    return cascades || o.pg().status().map(s -> s.replication().stream()
        .anyMatch(r -> r.applicationName().equals(name) && r.state().equals("streaming"))).orElse(false);
  }

  /**
   * A node's stance on a free lock while a request is pending: empty = no request, decide as usual;
   * TRUE = I am the named candidate; FALSE = a healthy named candidate exists, let it win.
   */
  static Optional<Boolean> candidateStance(Observation o, ClusterView view) {
    Optional<FailoverNode> request = view.failover();
    if (request.isEmpty() || request.get().member().isEmpty()) {
      return Optional.empty();
    }
    String member = request.get().member().get();
    long maxLag = o.settings().dynamic().maximumLagOnFailover();
    long optime = view.optime().orElse(0);
    if (!SyncReplication.allows(o, view, member)) {
      // Synchronous mode: a candidate outside /sync may lack acknowledged commits; the usual race decides.
      return Optional.empty();
    }
    if (member.equals(o.settings().name()) && SyncReplication.whyNotSynchronous(o, view).isPresent()) {
      return Optional.empty();
    }
    if (member.equals(o.settings().name()) && o.settings().nofailover()) {
      // Wire spec 3.11.1: nofailover (or failover_priority <= 0) is checked before the request; the race refuses.
      return Optional.empty();
    }
    if (member.equals(o.settings().name())) {
      // Even a named candidate never promotes past maximum_lag_on_failover: it races like anyone else.
      return optime - o.pg().walPosition() > maxLag ? Optional.empty() : Optional.of(true);
    }
    boolean healthy = view.member(member).isPresent() && o.peers().stream().anyMatch(p -> p.name().equals(member)
        && p.reachable() && !p.primary() && !p.nofailover() && optime - p.walPosition() <= maxLag);
    return healthy ? Optional.of(false) : Optional.empty();
  }

  /** The named candidate if it is a healthy replica, else (no name given) the healthy replicas. */
  private static List<String> healthyCandidates(Observation o, ClusterView view, Optional<String> named) {
    String me = o.settings().name();
    List<String> names = named.map(List::of).orElseGet(() -> view.members().stream()
        .map(MemberNode::name).filter(n -> !n.equals(me)).toList());
    return names.stream()
        .filter(n -> !n.equals(me) && view.member(n).map(m -> !m.nofailover()).orElse(false))
        .filter(n -> SyncReplication.allows(o, view, n))
        .filter(n -> peerHealthy(o, n) && caughtUp(o, n))
        .toList();
  }

  /** A candidate further behind than maximum_lag_on_failover would lose writes: not eligible. */
  private static boolean caughtUp(Observation o, String name) {
    long mine = o.pg().walPosition();
    long maxLag = o.settings().dynamic().maximumLagOnFailover();
    return o.peers().stream().anyMatch(p -> p.name().equals(name) && mine - p.walPosition() <= maxLag);
  }

  /**
   * The lock is free, a request names me as the leader to step down, and its candidate did not take
   * over: when I take the lock back, the request is finished and must be removed, or I would step
   * down again for the same candidate forever.
   */
  static List<Action> abandonedRequest(Observation o, ClusterView view) {
    return view.failover()
        .filter(f -> f.leader().map(o.settings().name()::equals).orElse(false))
        .map(f -> List.<Action>of(new Action.ClearFailover(OptionalInt.of(f.version()))))
        .orElse(List.of());
  }

  private static boolean peerHealthy(Observation o, String name) {
    return o.peers().stream().anyMatch(p -> p.name().equals(name) && p.reachable() && !p.primary() && !p.nofailover());
  }

  static Optional<Long> instant(String iso) {
    try {
      return Optional.of(OffsetDateTime.parse(iso.replace(' ', 'T')).toInstant().toEpochMilli());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Verdict clear(Rule rule, String message, OptionalInt version) {
    return new Verdict(rule, message, List.of(new Action.ClearFailover(version)), false);
  }

  /** @param waiting the leader is waiting on its candidate (bounded by {@link Handover#WAIT_MS}) */
  record Verdict(Rule rule, String message, List<Action> actions, boolean waiting) {}
}
