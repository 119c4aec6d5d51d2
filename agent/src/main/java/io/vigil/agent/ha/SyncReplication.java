package io.vigil.agent.ha;

import io.vigil.config.DynamicConfig;
import io.vigil.config.SyncMode;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.MemberNode;
import io.vigil.dcs.SyncNode;
import io.vigil.postgres.PgStatus;
import io.vigil.postgres.ReplicationRow;
import io.vigil.postgres.SyncStandbyNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Synchronous replication (wire spec 3.12): the leader picks its synchronous standbys, and nobody outside
 * {@code /sync} may promote. The one invariant everything here keeps: a name is in {@code /sync} only while every
 * commit PostgreSQL acknowledged is on it. So a name is added to {@code /sync} only after PostgreSQL waits for it
 * and it has flushed everything written before that change, and it is removed from {@code /sync} before
 * PostgreSQL stops waiting for it.
 *
 * <p>{@code synchronous_mode: quorum} runs as {@code on} here: the first {@code synchronous_node_count} standbys
 * by priority. That keeps the same guarantee (an acknowledged commit is on every standby in {@code /sync}) with
 * less availability than Patroni 4's {@code ANY k}; see docs/replication.md.
 */
final class SyncReplication {

  /** How soon the leader looks again while a new synchronous standby is being confirmed. */
  static final long SETTLE_RECHECK_MS = 200;

  private SyncReplication() {}

  /**
   * What the leader does this cycle; no actions when PostgreSQL and {@code /sync} already say what they should.
   *
   * @param confirmLsn what a newly synchronous standby must have flushed before it enters {@code /sync} (memory)
   */
  record Plan(List<Action> actions, String summary, boolean settling, long confirmLsn) {}

  static Plan onLeader(Observation o, ClusterView view, AgentMemory memory) {
    DynamicConfig d = o.settings().dynamic();
    PgStatus st = o.pg().status().orElseThrow();
    String me = o.settings().name();
    Optional<SyncNode> sync = view.sync();
    List<Action> actions = new ArrayList<>();
    if (!d.synchronousMode().enabled()) {
      // /sync first: once PostgreSQL stops waiting, no standby is known to hold every acknowledged commit.
      if (sync.isPresent() && !sync.get().isEmpty()) {
        actions.add(new Action.WriteSync(SyncNode.off(), OptionalInt.of(sync.get().version())));
      }
      if (!st.synchronousStandbyNames().isEmpty()) {
        actions.add(new Action.SetSyncStandbyNames(""));
      }
      return new Plan(actions, "synchronous mode off", false, 0);
    }
    if (d.synchronousMode() == SyncMode.QUORUM) {
      return quorum(o, view, memory);
    }
    List<ReplicationRow> picked = pick(o, view, d.synchronousNodeCount());
    List<String> pickedNames = picked.stream().map(ReplicationRow::applicationName).toList();
    String wanted = pickedNames.isEmpty() ? (d.synchronousModeStrict() ? SyncStandbyNames.STRICT_NONE : "")
        : SyncStandbyNames.priority(pickedNames.size(), pickedNames);
    boolean ours = sync.map(s -> s.leaderMatches(me)).orElse(false);
    // A quorum record's standbys need not each hold every commit: coming from quorum mode they are confirmed anew.
    boolean everyoneHasAll = ours && sync.get().quorum().orElse(0) == 0;
    Set<String> listed = new TreeSet<>(everyoneHasAll ? sync.get().standbys() : List.of());
    OptionalInt version = sync.map(s -> OptionalInt.of(s.version())).orElse(OptionalInt.empty());
    boolean changeNames = !st.synchronousStandbyNames().equals(wanted);
    // Commits acknowledged before PostgreSQL started waiting for a standby are at most at the position seen once it
    // does: the standby may be trusted with /sync when it has flushed up to there.
    long confirmLsn = changeNames ? 0 : memory.syncConfirmLsn();
    Set<String> confirmed = new TreeSet<>();
    boolean newlyWaitedFor = false;
    for (ReplicationRow r : picked) {
      boolean waitedFor = !changeNames && r.syncState().equals("sync");
      if (waitedFor && listed.contains(r.applicationName())) {
        confirmed.add(r.applicationName());
      } else if (waitedFor && confirmLsn == 0) {
        newlyWaitedFor = true;
      } else if (waitedFor && Long.compareUnsigned(r.flushLsn(), confirmLsn) >= 0) {
        confirmed.add(r.applicationName());
      }
    }
    if (newlyWaitedFor) {
      confirmLsn = o.pg().walPosition();
    }
    // Names PostgreSQL is about to stop waiting for (or no longer waits for) leave /sync before anything else.
    Set<String> target = new TreeSet<>(listed);
    target.retainAll(pickedNames);
    target.addAll(confirmed);
    boolean recordDiffers = !ours || !target.equals(new TreeSet<>(sync.get().standbys()))
        || sync.get().quorum().isPresent();
    if (recordDiffers) {
      actions.add(new Action.WriteSync(SyncNode.value(me, target, OptionalInt.empty()), version));
    }
    if (changeNames) {
      actions.add(new Action.SetSyncStandbyNames(wanted));
    }
    boolean settling = changeNames || !target.equals(new TreeSet<>(pickedNames));
    String summary = "synchronous_standby_names='" + wanted + "', /sync " + target;
    return new Plan(actions, summary, settling, confirmLsn);
  }

  /**
   * Quorum commit ({@code synchronous_mode: quorum}, Patroni 4's wire values): PostgreSQL waits for any k =
   * {@code synchronous_node_count} of all n eligible standbys ({@code ANY k (...)}), and {@code /sync} lists them
   * with {@code quorum} q: a listed standby may promote when it sees q other listed standbys and none is ahead of
   * it. That is safe while every acknowledged commit is on at least n − q listed standbys, so q is never lowered
   * before the commits acknowledged under an earlier setting are on every listed standby:
   * <ul>
   *   <li>before PostgreSQL's setting changes, names leaving it leave {@code /sync}, and q rises to what both the
   *       old and the new setting need (|listed ∪ waited for| − k for each);</li>
   *   <li>once PostgreSQL runs the new setting, a new standby is listed when it flushed past the position seen
   *       then (as in mode on), and q falls to n − k when every listed standby did.</li>
   * </ul>
   */
  private static Plan quorum(Observation o, ClusterView view, AgentMemory memory) {
    DynamicConfig d = o.settings().dynamic();
    PgStatus st = o.pg().status().orElseThrow();
    String me = o.settings().name();
    Optional<SyncNode> sync = view.sync();
    List<ReplicationRow> candidates = pick(o, view, Integer.MAX_VALUE);
    Set<String> wantedNames = new TreeSet<>(candidates.stream().map(ReplicationRow::applicationName).toList());
    int k = Math.min(d.synchronousNodeCount(), wantedNames.size());
    String wanted = wantedNames.isEmpty() ? (d.synchronousModeStrict() ? SyncStandbyNames.STRICT_NONE : "")
        : SyncStandbyNames.quorum(k, wantedNames);
    boolean ours = sync.map(x -> x.leaderMatches(me)).orElse(false);
    Set<String> listed = new TreeSet<>(ours ? sync.get().standbys() : List.of());
    int q = ours ? sync.get().quorum().orElse(0) : 0;
    OptionalInt version = sync.map(x -> OptionalInt.of(x.version())).orElse(OptionalInt.empty());
    List<Action> actions = new ArrayList<>();
    boolean changeNames = !st.synchronousStandbyNames().equals(wanted);
    long confirmLsn = changeNames ? 0 : memory.syncConfirmLsn();
    Set<String> target = new TreeSet<>(listed);
    // Dropping a name from /sync never needs a higher q: a commit on all but q of the listed still is afterwards.
    target.retainAll(wantedNames);
    int targetQ;
    if (changeNames) {
      targetQ = Math.max(q, Math.max(needed(target, st.synchronousStandbyNames()), needed(target, wanted)));
    } else if (confirmLsn == 0) {
      confirmLsn = o.pg().walPosition();
      targetQ = Math.max(q, needed(target, wanted));
    } else {
      long threshold = confirmLsn;
      List<ReplicationRow> waited = candidates.stream().filter(r -> r.syncState().equals("quorum")
          || r.syncState().equals("sync")).toList();
      waited.stream().filter(r -> Long.compareUnsigned(r.flushLsn(), threshold) >= 0)
          .forEach(r -> target.add(r.applicationName()));
      boolean allCaughtUp = target.stream().allMatch(n -> waited.stream().anyMatch(r -> r.applicationName().equals(n)
          && Long.compareUnsigned(r.flushLsn(), threshold) >= 0));
      targetQ = allCaughtUp ? needed(target, wanted) : Math.max(q, needed(target, wanted));
    }
    if (!ours || !target.equals(listed) || targetQ != q || sync.get().quorum().isEmpty() && !target.isEmpty()) {
      actions.add(new Action.WriteSync(SyncNode.value(me, target, target.isEmpty() ? OptionalInt.empty()
          : OptionalInt.of(targetQ)), version));
    }
    if (changeNames) {
      actions.add(new Action.SetSyncStandbyNames(wanted));
    }
    boolean settling = changeNames || !target.equals(wantedNames) || targetQ != needed(target, wanted);
    String summary = "synchronous_standby_names='" + wanted + "', /sync " + target + " quorum " + targetQ;
    return new Plan(actions, summary, settling, confirmLsn);
  }

  /**
   * The smallest q for which every commit PostgreSQL acknowledges under {@code setting} is on all but q of
   * {@code listed}: |listed ∪ named| − k. A setting without a known set of standbys (async, '*') guarantees nothing,
   * so nobody listed may promote (q = |listed|).
   */
  static int needed(Set<String> listed, String setting) {
    SyncStandbyNames.Parsed parsed = SyncStandbyNames.parse(setting);
    if (parsed.kind() == SyncStandbyNames.Kind.NONE || parsed.kind() == SyncStandbyNames.Kind.ANY) {
      return listed.size();
    }
    Set<String> union = new TreeSet<>(listed);
    union.addAll(parsed.names());
    return Math.max(0, union.size() - parsed.count());
  }

  /**
   * The standbys to make synchronous, best first: streaming to me, members in state running, not tagged
   * {@code nosync}; those already synchronous first, then by flushed position, then those allowed to fail over;
   * without those more than {@code maximum_lag_on_syncnode} behind the best; at most {@code synchronous_node_count}.
   */
  static List<ReplicationRow> pick(Observation o, ClusterView view, int limit) {
    DynamicConfig d = o.settings().dynamic();
    String me = o.settings().name();
    List<ReplicationRow> candidates = new ArrayList<>();
    for (ReplicationRow r : o.pg().status().map(PgStatus::replication).orElse(List.of())) {
      Optional<MemberNode> m = view.member(r.applicationName()).filter(x -> !x.name().equals(me));
      boolean eligible = r.state().equals("streaming") && m.isPresent()
          && "running".equals(m.get().data().get("state")) && !m.get().tagTrue("nosync")
          && candidates.stream().noneMatch(c -> c.applicationName().equals(r.applicationName()));
      if (eligible) {
        candidates.add(r);
      }
    }
    candidates.sort(Comparator.comparing((ReplicationRow r) -> !r.syncState().equals("sync"))
        .thenComparing(ReplicationRow::flushLsn, (a, b) -> Long.compareUnsigned(b, a))
        .thenComparing(r -> view.member(r.applicationName()).map(m -> m.nofailover()).orElse(false))
        .thenComparing(ReplicationRow::applicationName));
    long best = candidates.stream().mapToLong(ReplicationRow::flushLsn).max().orElse(0);
    long maxLag = d.maximumLagOnSyncnode();
    return candidates.stream().filter(r -> maxLag <= 0 || best - r.flushLsn() <= maxLag)
        .limit(limit).toList();
  }

  /**
   * Why this node may not become the leader in synchronous mode; empty when it may. Only the members in
   * {@code /sync} hold every acknowledged commit. A {@code /sync} that is unreadable or names no leader names no
   * one who may promote. Without any {@code /sync} (no leader ever wrote one), or with {@code {}} (the last leader
   * switched synchronous mode off, and a leader claims {@code /sync} before PostgreSQL waits for any standby again),
   * no commit waits on a standby, and the usual rules decide, as in Patroni.
   */
  static Optional<String> whyNotSynchronous(Observation o, ClusterView view) {
    if (!o.settings().dynamic().synchronousMode().enabled() || view.sync().isEmpty()
        || view.sync().get().switchedOff()) {
      return Optional.empty();
    }
    SyncNode sync = view.sync().get();
    String me = o.settings().name();
    if (sync.isStandby(me)) {
      return quorumNotVisible(o, sync);
    }
    if (sync.isEmpty()) {
      return Optional.of("synchronous mode is on and /sync names no synchronous standby");
    }
    if (sync.leaderMatches(me)) {
      return Optional.empty();
    }
    return Optional.of("i am not a synchronous standby (/sync: leader " + sync.leader().orElse("")
        + ", standbys " + sync.standbys() + ")");
  }

  /**
   * Quorum commit: every acknowledged commit is on all but q of the listed standbys, so a listed standby that sees q
   * others (and is not behind any of them, which the race checks) holds it.
   */
  private static Optional<String> quorumNotVisible(Observation o, SyncNode sync) {
    int q = sync.quorum().orElse(0);
    if (q == 0) {
      return Optional.empty();
    }
    long visible = o.peers().stream().filter(p -> p.reachable() && sync.isStandby(p.name())
        && !p.name().equals(o.settings().name())).count();
    return visible >= q ? Optional.empty() : Optional.of("quorum commit: i see " + visible + " of the other "
        + "standbys in /sync " + sync.standbys() + ", " + q + " are needed to know i hold every acknowledged commit");
  }

  /** Whether another member may take over in synchronous mode (see {@link #whyNotSynchronous}). */
  static boolean allows(Observation o, ClusterView view, String name) {
    if (!o.settings().dynamic().synchronousMode().enabled() || view.sync().isEmpty()
        || view.sync().get().switchedOff()) {
      return true;
    }
    SyncNode sync = view.sync().get();
    return sync.isStandby(name) || sync.leaderMatches(name);
  }

  /**
   * Before a promotion in synchronous mode: claim {@code /sync} with no standby (compare-and-set, so a node that
   * lost the lock meanwhile fails here and does not promote), and let PostgreSQL wait for any standby in strict
   * mode, or none, until the next cycles pick them.
   */
  static List<Action> beforePromotion(Observation o, ClusterView view) {
    DynamicConfig d = o.settings().dynamic();
    if (!d.synchronousMode().enabled()) {
      return List.of();
    }
    OptionalInt version = view.sync().map(s -> OptionalInt.of(s.version())).orElse(OptionalInt.empty());
    return List.of(new Action.WriteSync(SyncNode.value(o.settings().name(), List.of(), OptionalInt.empty()), version),
        new Action.SetSyncStandbyNames(d.synchronousModeStrict() ? SyncStandbyNames.STRICT_NONE : ""));
  }
}
