package io.vigil.sim;

import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.PeerStatus;
import io.vigil.agent.ha.Rule;
import io.vigil.config.SyncMode;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.SyncNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the invariants while a schedule runs and keeps the first violation. Lock exclusivity is checked
 * after every event; promotion checks when a Promote action is carried out; router acknowledgements as
 * they happen; fencing and convergence on every data-plane tick (100 ms).
 *
 * <p>Split brain through the router (invariant 4) is a violation. Writes that bypass the router and
 * reach a stale primary whose agent is frozen or dead are only counted: that is the known gap of an
 * agent without a watchdog (a frozen agent cannot stop its PostgreSQL). Once the stale primary's agent
 * has been running for the fencing grace, it had every chance to demote, and invariant 4b fails.
 *
 * <p>Convergence (invariant 5) expects every node to stream from the one primary within the bound. A node
 * still stuck at the bound because its WAL diverged and was never rewound, or because the core parked
 * it for an operator, is reported as stuck rather than as a violation, unless liveness is strict.
 *
 * <p>Durability (invariant 8) is checked whenever a server becomes writable, against every commit acknowledged
 * synchronously before ({@link CommitLedger}), and when a synchronous acknowledgement comes from a server older than
 * the newest primary. {@code /sync} (invariant 9) is checked whenever it is written.
 */
final class InvariantChecker {

  private final SimCluster cluster;
  private final SimSettings settings;
  private final boolean strictLiveness;
  /** The nodes run the fence: two writers at once break invariant 4c; without it they are only measured. */
  private final boolean fenceOn;
  private Violation violation;
  /** Since when two or more servers accept writes (-1: at most one does), and how long that lasted in all. */
  private long twoWritersSince = -1;
  private long twoWriterMs;
  private long longestTwoWriterMs;
  private int fenceStops;
  private long staleDirectAcks;
  private long longestStaleDirectMs;
  private long convergedAt = -1;
  private List<StuckNode> stuck = List.of();
  private final TimelineLedger timelines = new TimelineLedger();
  /** Nodes carrying out a Promote decided on a view whose {@code /history} was ahead of their timeline. */
  private final Set<String> promotingBehindHistory = new HashSet<>();
  /** The switchover whose candidate has not become writable yet; ends at the next server to do so. */
  private Handover handover;
  private final CommitLedger commits = new CommitLedger();

  InvariantChecker(SimCluster cluster, SimSettings settings, boolean strictLiveness, boolean fenceOn) {
    this.cluster = cluster;
    this.settings = settings;
    this.strictLiveness = strictLiveness;
    this.fenceOn = fenceOn;
  }

  Violation violation() {
    return violation;
  }

  boolean done() {
    return violation != null || convergedAt >= 0 || !stuck.isEmpty();
  }

  /** Nodes still stuck when the convergence bound passed (only without strict liveness). */
  List<StuckNode> stuck() {
    return stuck;
  }

  long convergedAt() {
    return convergedAt;
  }

  long staleDirectAcks() {
    return staleDirectAcks;
  }

  long longestStaleDirectMs() {
    return longestStaleDirectMs;
  }

  /** Simulated time during which two or more servers accepted writes at once (an open window counts up to now). */
  long twoWriterMs() {
    return twoWriterMs + (twoWritersSince < 0 ? 0 : cluster.now() - twoWritersSince);
  }

  long longestTwoWriterMs() {
    return Math.max(longestTwoWriterMs, twoWritersSince < 0 ? 0 : cluster.now() - twoWritersSince);
  }

  /** Times a fence stopped a primary at its deadline. */
  int fenceStops() {
    return fenceStops;
  }

  void fenced(SimNode n) {
    fenceStops++;
  }

  void fail(Invariant invariant, String message, Finding... findings) {
    if (violation == null) {
      Set<Finding> causes = EnumSet.noneOf(Finding.class);
      causes.addAll(Arrays.asList(findings));
      violation = new Violation(invariant, cluster.now(), message, causes);
      cluster.trace("CHECK", "VIOLATION " + violation);
    }
  }

  /**
   * Why a stale node answers /primary: it won the lock on an old timeline, or it lost the lock and its
   * flag outlived it because its wall clock was stepped back.
   */
  private Finding[] staleLeaderFindings(SimNode stale) {
    if (cluster.holdsLock(stale)) {
      return staleTimeline(stale);
    }
    return stale.steppedBack() ? new Finding[] {Finding.WALL_CLOCK_LEASE} : new Finding[0];
  }

  /** The node's WAL forked off the newest primary's history (an older timeline, or a reused timeline id). */
  private Finding[] staleTimeline(SimNode n) {
    SimNode newest = cluster.newestPrimary();
    boolean stale = newest != null && newest != n && cluster.divergedFrom(n, newest);
    return stale ? new Finding[] {Finding.STALE_TIMELINE_RACE} : new Finding[0];
  }

  /** Invariants 1 and 4c, after every event (the state of the servers changes only in events). */
  void afterEvent() {
    lockExclusive();
    singleWriter();
    standbyNeverWritable();
  }

  /** Invariant 10: a standby cluster's members never accept writes, whatever happens to them. */
  private void standbyNeverWritable() {
    if (!settings.standbyCluster()) {
      return;
    }
    cluster.nodes().stream().filter(n -> n.pg.acceptsWrites()).findFirst().ifPresent(n -> fail(
        Invariant.STANDBY_NEVER_WRITABLE, n.name + " accepts writes in a standby cluster: " + cluster.describe(n)));
  }

  /**
   * Invariant 4c: at no instant do two servers accept writes (running, out of recovery: a client that connects to
   * either, directly or through the router, can commit). A server stops accepting writes the instant its stop begins,
   * by its agent or by its fence. With the fence off, this is the known gap: the windows are measured, not failed.
   */
  private void singleWriter() {
    List<SimNode> writers = cluster.nodes().stream().filter(n -> n.pg.acceptsWrites()).toList();
    if (writers.size() < 2) {
      if (twoWritersSince >= 0) {
        long lasted = cluster.now() - twoWritersSince;
        twoWriterMs += lasted;
        longestTwoWriterMs = Math.max(longestTwoWriterMs, lasted);
        twoWritersSince = -1;
        cluster.trace("CHECK", "one writer again after " + Trace.seconds(lasted) + " of two");
      }
      return;
    }
    if (twoWritersSince >= 0) {
      return;
    }
    twoWritersSince = cluster.now();
    String who = writers.stream().map(n -> cluster.describe(n) + ", fence " + (n.fence.armed() ? "armed" : "not armed"))
        .collect(java.util.stream.Collectors.joining("; "));
    if (fenceOn) {
      SimNode newest = cluster.newestPrimary();
      SimNode stale = writers.stream().filter(n -> n != newest).findFirst().orElse(writers.get(0));
      fail(Invariant.SINGLE_WRITER, writers.size() + " servers accept writes at once: " + who, staleTimeline(stale));
    } else {
      cluster.trace("CHECK", "two writers (fence off: the known gap, measured): " + who);
    }
  }

  private void lockExclusive() {
    SimNode first = null;
    for (SimNode n : cluster.nodes()) {
      if (cluster.answersPrimary(n) && n.pg.acceptsWrites()) {
        if (first != null) {
          SimNode stale = cluster.newestPrimary() == first ? n : first;
          fail(Invariant.LOCK_EXCLUSIVE, first.name + " and " + n.name
              + " both answer /primary with a valid lock flag and both accept writes", staleLeaderFindings(stale));
          return;
        }
        first = n;
      }
    }
  }

  /**
   * Invariants 2 and 3, when a Promote action is carried out on the decision's observation {@code o}. Also notes
   * whether that very observation showed, in {@code /history}, a newer timeline than the node's own: the core had
   * what it needed to see that this promotion reuses a timeline id (a finding for invariant 7).
   */
  void promoting(SimAgent agent, Observation o) {
    SimNode node = agent.node;
    if (historyTimeline(o) > o.pg().timeline()) {
      promotingBehindHistory.add(node.name);
    } else {
      promotingBehindHistory.remove(node.name);
    }
    if (!cluster.holdsLock(node)) {
      fail(Invariant.PROMOTE_HOLDS_LOCK, node.name + " promotes but the leader lock is "
          + cluster.lockDescription() + " (its session is s" + agent.dcs.currentSession() + ")");
      return;
    }
    if (settings.failoverPriority(node.index) <= 0) {
      fail(Invariant.PRIORITY_RESPECTED, node.name + " promotes although its failover_priority is "
          + settings.failoverPriority(node.index));
      return;
    }
    SimCluster.LeaderPosition last = cluster.lastLeaderPosition();
    if (last == null || node.pg.wal() == null) {
      return;
    }
    long known = Math.min(last.optime(), node.pg.wal().commonPrefix(last.wal()));
    long missing = last.optime() - known;
    if (missing > settings.maximumLagOnFailover()) {
      fail(Invariant.PROMOTE_WITHIN_LAG, node.name + " promotes at " + node.pg.wal() + " and misses " + missing
          + " bytes of the last known leader WAL (optime " + last.optime() + " written by " + last.writer()
          + "), more than maximum_lag_on_failover " + settings.maximumLagOnFailover(), staleTimeline(node));
    }
  }

  /**
   * Invariant 3b's tie-break half, when an AcquireLock action is carried out on the decision's observation {@code o}:
   * a replica racing without a failover request (a named candidate wins whatever its priority, as in Patroni) must
   * not have seen an eligible peer at its own WAL position with a higher priority. Judged on what the node saw, not
   * on the cluster's state at that instant: a peer's answer is up to 2 s old by the time the lock is taken. Skipped in
   * synchronous mode, where {@code /sync}, not the priority, decides who may race.
   */
  void racing(SimAgent agent, Observation o) {
    if (settings.failoverPriorities().isEmpty() || !o.pg().isReplica()
        || o.view().flatMap(ClusterView::failover).isPresent()
        || o.settings().dynamic().synchronousMode() != SyncMode.OFF) {
      return;
    }
    int mine = settings.failoverPriority(agent.node.index);
    long wal = o.pg().walPosition();
    for (PeerStatus p : o.peers()) {
      boolean comparable = p.timeline() <= 0 || p.timeline() >= o.pg().timeline();
      if (p.reachable() && !p.primary() && !p.nofailover() && comparable && p.walPosition() == wal
          && p.failoverPriority() > mine) {
        fail(Invariant.PRIORITY_RESPECTED, agent.node.name + " (failover_priority " + mine + ") races for the lock at "
            + wal + " although " + p.name() + " is at the same position with failover_priority "
            + p.failoverPriority());
        return;
      }
    }
  }

  /** The lock holder stopped cleanly for a switchover: its WAL up to the shutdown checkpoint must survive it. */
  void handedOver(Handover h) {
    handover = h;
  }

  /**
   * A server became writable without opening a timeline (bootstrap, start as primary, a standby that ended recovery
   * without a promotion) with {@code wal}: no switchover is pending, and invariant 8 holds it to every synchronously
   * acknowledged commit.
   */
  void startedAsPrimary(SimNode node, WalHistory wal) {
    handover = null;
    keepsAckedCommits(node, wal, "started as primary");
  }

  /** Invariant 8 for a server that becomes writable with {@code wal}. */
  private void keepsAckedCommits(SimNode node, WalHistory wal, String how) {
    commits.syncMissingFrom(wal).ifPresent(a -> fail(Invariant.ACKED_COMMITS_SURVIVE, node.name + " " + how
        + " at " + wal + " without " + a + " (they share " + wal.commonPrefix(a.wal()) + " bytes)"));
  }

  /**
   * Invariants 7 and 7b, when a promotion has opened a new timeline; {@code parent} is the WAL it forked from
   * (its end is the switch point). A switchover's handover ends here whoever promotes; only its candidate is
   * held to the final WAL, any other node won an ordinary race under maximum_lag_on_failover.
   */
  void promoted(SimNode node, WalHistory parent) {
    Handover planned = handover;
    handover = null;
    keepsAckedCommits(node, parent, "promoted");
    long missing = planned != null && planned.candidate().equals(node.name) ? planned.missingFrom(parent) : 0;
    List<Finding> behind = new ArrayList<>();
    if (missing > 0) {
      behind.add(Finding.SWITCHOVER_CANDIDATE_BEHIND);
    }
    if (promotingBehindHistory.remove(node.name)) {
      behind.add(Finding.PROMOTED_BEHIND_HISTORY);
    }
    TimelineLedger.Opening opening = new TimelineLedger.Opening(node.name, parent.timeline() + 1, parent.timeline(),
        parent.end(), cluster.now());
    var earlier = timelines.open(opening);
    if (earlier.isPresent()) {
      fail(Invariant.TIMELINE_UNIQUE, node.name + " opened timeline " + opening.timeline() + " (forked from timeline "
          + opening.parent() + " at " + opening.switchLsn() + "), which " + earlier.get() + " had opened already: "
          + (opening.sameSwitch(earlier.get()) ? "identical history files, different WAL from the first byte"
              : "two different histories") + " under one timeline id", behind.toArray(Finding[]::new));
    } else if (missing > 0) {
      fail(Invariant.SWITCHOVER_KEEPS_FINAL_WAL, node.name + " promotes at " + parent + " for a switchover from "
          + planned.from() + ", which stopped cleanly at " + planned.finalWal() + ": " + missing
          + " bytes of the old leader's final WAL are lost", behind.toArray(Finding[]::new));
    }
  }

  /** The newest timeline {@code /history} shows: its last line names that timeline's parent (0 = none shown). */
  private static int historyTimeline(Observation o) {
    List<List<Object>> h = o.view().map(ClusterView::history).orElse(List.of());
    List<Object> last = h.isEmpty() ? List.of() : h.get(h.size() - 1);
    return !last.isEmpty() && last.get(0) instanceof Number parent ? parent.intValue() + 1 : 0;
  }

  /** Invariant 4: a write the router sent to {@code node} was acknowledged. */
  void routerAck(SimNode node) {
    SimNode newest = cluster.newestPrimary();
    if (newest != node) {
      fail(Invariant.NO_SPLIT_BRAIN_ACK, "the router got a write acknowledged by " + node.name + " "
          + Trace.seconds(cluster.now() - cluster.newestPrimarySince()) + " after " + newest.name + " became primary",
          staleLeaderFindings(node));
    }
  }

  /**
   * A client's commit was acknowledged by {@code node}; {@code waitedForStandby}: once its synchronous standbys had
   * flushed it. Invariant 8 as well when that is a synchronous acknowledgement from a server older than the newest
   * primary, which already lacks the commit: no later primary can have it.
   */
  void acknowledged(SimNode node, SimPostgres.Commit c, boolean waitedForStandby) {
    Optional<CommitLedger.Ack> sync = commits.acknowledged(node.name, node.pg.wal().prefix(c.end()), cluster.now(),
        c.routed(), waitedForStandby);
    SimNode newest = cluster.newestPrimary();
    if (sync.isPresent() && newest != node && newest != null && !CommitLedger.holds(newest.pg.wal(), sync.get())) {
      fail(Invariant.ACKED_COMMITS_SURVIVE, sync.get() + ", " + Trace.seconds(cluster.now()
          - cluster.newestPrimarySince()) + " after " + newest.name + " became primary at " + newest.pg.wal()
          + " without it", staleLeaderFindings(node));
    }
  }

  /** Commits waiting for their synchronous standbys when the server stopped: the clients never got an answer. */
  void unanswered(int count) {
    commits.unanswered(count);
  }

  /** {@code /config} was written: the synchronous mode the operator asks for from now on. */
  void configWritten(Object data) {
    Object mode = data instanceof Map<?, ?> m ? m.get("synchronous_mode") : null;
    commits.synchronousMode(SyncMode.lenient(mode).enabled());
  }

  /** The acknowledged commits against the WAL of the newest primary, when the run ends. */
  CommitStats durability() {
    SimNode last = cluster.newestPrimary();
    return commits.stats(last == null ? null : last.pg.wal());
  }

  /**
   * Invariant 9, whenever {@code /sync} is written: a record that names a leader names the lock holder, and as
   * synchronous standbys only other members whose PostgreSQL is a standby. The leader's own record before its
   * promotion names no standby; switched off, the record is {@code {}} and names nobody.
   */
  void syncWritten() {
    SyncNode sync = cluster.syncKey();
    if (sync.leader().isEmpty()) {
      if (!sync.standbys().isEmpty()) {
        fail(Invariant.SYNC_LISTS_REPLICAS, "/sync names standbys " + sync.standbys() + " but no leader");
      }
      return;
    }
    String leader = sync.leader().get();
    Optional<String> holder = cluster.lockHolder();
    if (holder.isEmpty() || !holder.get().equalsIgnoreCase(leader)) {
      SimNode named = cluster.nodeByName(leader);
      boolean expired = named != null && named.agent() != null
          && named.agent().dcs.currentSession() != named.agent().decidedInSession();
      fail(Invariant.SYNC_LISTS_REPLICAS, "/sync names leader " + leader + " but the leader lock is "
          + cluster.lockDescription(), expired ? new Finding[] {Finding.SYNC_WRITTEN_AFTER_LEASE} : new Finding[0]);
      return;
    }
    for (String name : sync.standbys()) {
      SimNode n = cluster.nodeByName(name);
      String why = n == null ? "no such node" : name.equalsIgnoreCase(leader) ? "the leader itself"
          : !cluster.isMember(n) ? "not a member" : !n.pg.initialized() || !n.pg.standby()
              ? "not a standby (" + cluster.describe(n) + ")" : null;
      if (why != null) {
        fail(Invariant.SYNC_LISTS_REPLICAS, "/sync (leader " + leader + ") lists " + name + " as synchronous "
            + "standby: " + why);
        return;
      }
    }
  }

  /** A write that bypassed the router was acknowledged by a stale primary: the S4 gap, counted. */
  void staleDirectAck() {
    staleDirectAcks++;
    longestStaleDirectMs = Math.max(longestStaleDirectMs, cluster.now() - cluster.newestPrimarySince());
  }

  /** Invariants 4b and 5, every data-plane tick. */
  void onTick() {
    SimNode newest = cluster.newestPrimary();
    for (SimNode n : cluster.nodes()) {
      if (n != newest && newest != null && n.pg.acceptsWrites() && n.agentRunning()) {
        long since = Math.max(cluster.newestPrimarySince(), n.runningSince());
        if (cluster.now() - since > settings.fencingGraceMs()) {
          fail(Invariant.STALE_PRIMARY_FENCED, n.name + " still accepts writes " + Trace.seconds(cluster.now() - since)
              + " after " + newest.name + " became primary, although its agent is running");
          return;
        }
      }
    }
    long heal = settings.healAtMs();
    if (cluster.now() < heal || done()) {
      return;
    }
    List<StuckNode> stuckNow = new ArrayList<>();
    List<String> problems = convergence(stuckNow);
    boolean late = cluster.now() - heal > settings.convergenceBoundMs();
    if (problems.isEmpty() && stuckNow.isEmpty()) {
      convergedAt = cluster.now();
      cluster.trace("CHECK", "converged " + Trace.seconds(convergedAt - heal) + " after the last fault");
    } else if (late && problems.isEmpty() && !strictLiveness) {
      stuck = stuckNow;
      cluster.trace("CHECK", "converged except for stuck nodes: " + stuck);
    } else if (late) {
      stuckNow.forEach(n -> problems.add(n.toString()));
      fail(Invariant.CONVERGES, "not converged " + Trace.seconds(cluster.now() - heal) + " after the last fault: "
          + String.join("; ", problems), convergenceFindings());
    }
  }

  /** Why the cluster did not converge, as far as the checker can tell. */
  private Finding[] convergenceFindings() {
    List<Finding> why = new ArrayList<>();
    if (cluster.switchoverPending()) {
      why.add(Finding.SWITCHOVER_NEVER_COMPLETES);
    }
    boolean noPrimary = cluster.nodes().stream().noneMatch(n -> n.pg.acceptsWrites());
    if (noPrimary && commits.synchronousMode() && cluster.syncKeyExists() && cluster.syncKey().leader().isEmpty()) {
      why.add(Finding.SYNC_OFF_RECORD_BLOCKS_FAILOVER);
    }
    return why.toArray(Finding[]::new);
  }

  /**
   * What keeps the cluster from being converged. A node whose WAL diverged from the primary's and was
   * never rewound, or that the core parked for an operator after failed rewinds, goes to {@code stuck}.
   */
  private List<String> convergence(List<StuckNode> stuckNodes) {
    if (settings.standbyCluster()) {
      return standbyConvergence(stuckNodes);
    }
    List<String> problems = new ArrayList<>();
    List<SimNode> writable = cluster.nodes().stream().filter(n -> n.pg.acceptsWrites()).toList();
    if (writable.size() != 1) {
      problems.add(writable.size() + " nodes accept writes");
      cluster.nodes().forEach(n -> problems.add(cluster.describe(n)));
      return problems;
    }
    SimNode primary = writable.get(0);
    if (!cluster.holdsLock(primary) || !cluster.answersPrimary(primary)) {
      problems.add("primary " + primary.name + " does not hold the lock or does not answer /primary (lock "
          + cluster.lockDescription() + ")");
    }
    followers(primary, problems, stuckNodes);
    return problems;
  }

  /**
   * A standby cluster has converged when one running standby holds the lock (its remote primary is never reachable
   * here, so it streams from nobody) and every other node streams from it.
   */
  private List<String> standbyConvergence(List<StuckNode> stuckNodes) {
    List<String> problems = new ArrayList<>();
    List<SimNode> leaders = cluster.nodes().stream().filter(cluster::holdsLock)
        .filter(n -> n.pg.process() == SimPostgres.Process.RUNNING && n.pg.standby()).toList();
    if (leaders.size() != 1) {
      problems.add("no running standby holds the lock (lock " + cluster.lockDescription() + ")");
      cluster.nodes().forEach(n -> problems.add(cluster.describe(n)));
      return problems;
    }
    followers(leaders.get(0), problems, stuckNodes);
    return problems;
  }

  /** Every node other than {@code primary} streams from it, or is stuck in a way the checker can name. */
  private void followers(SimNode primary, List<String> problems, List<StuckNode> stuckNodes) {
    for (SimNode n : cluster.nodes()) {
      if (n == primary || (n.agentRunning() && cluster.streamsFrom(n, primary))) {
        continue;
      }
      if (n.agentRunning() && n.agent().lastRule() == Rule.REWIND_GAVE_UP) {
        stuckNodes.add(new StuckNode(n.name, StuckNode.Why.PARKED_BY_THE_CORE, cluster.describe(n)));
      } else if (n.agentRunning() && cluster.divergedFrom(n, primary)) {
        stuckNodes.add(new StuckNode(n.name, StuckNode.Why.DIVERGED_NOT_REWOUND, cluster.describe(n)));
      } else {
        problems.add(cluster.describe(n));
      }
    }
  }
}
