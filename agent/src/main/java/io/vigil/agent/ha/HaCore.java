package io.vigil.agent.ha;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.MemberNode;
import io.vigil.postgres.LocalPostgres;
import io.vigil.postgres.RecoveryTarget;
import io.vigil.postgres.StopMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The HA decision table (wire spec 3.2), as a pure function of one observation and the agent's
 * memory. No clocks, threads, sockets or processes in here: the I/O shell gathers the
 * {@link Observation}, carries out the returned actions, and feeds their results back as memory.
 */
public final class HaCore {

  /**
   * At most one WAKE_WALRECEIVER per this interval (PostgreSQL's default wal_retrieve_retry_interval): one reload ends
   * the walreceiver's wait; more would only repeat the decision record while the leader stays unreachable.
   */
  static final long WAKE_INTERVAL_MS = 5_000;

  private HaCore() {}

  public static Decision decide(Observation o, AgentMemory previous) {
    AgentMemory memory = previous.nextCycle().withPgState(observedState(o.pg(), previous));
    memory = withLockWatch(o, memory);
    Step step = o.view().isEmpty() ? dcsUnreachable(o, memory) : withCluster(o, o.view().get(), memory);
    step = withScheduledRestart(o, step);
    List<Action> actions = new ArrayList<>(step.actions);
    if (o.view().isPresent()) {
      boolean paused = o.settings().dynamic().pause();
      Action.TouchMember touch = new Action.TouchMember(MemberDocument.build(o.settings(), step.memory.pgState(),
          role(o), o.pg(), paused, step.memory.scheduledRestart(), Fencing.whyCannotLead(o)));
      if (actions.stream().anyMatch(a -> !a.housekeeping()) && o.view().get().member(o.settings().name()).isEmpty()) {
        // Without a member key (a new node, or one whose session expired) the leader keeps no replication slot for
        // this node: a start as a replica would wait for streaming that cannot begin until the key is back.
        actions.add(0, touch);
      }
      actions.add(touch);
    }
    return new Decision(step.rule, step.message, List.copyOf(Fencing.withGuards(o, actions)), step.memory);
  }

  /** Remembers when the leader lock went away: a promotion's time to writable is measured from there. */
  private static AgentMemory withLockWatch(Observation o, AgentMemory memory) {
    if (o.view().isEmpty()) {
      return memory;
    }
    Optional<String> leader = o.leaderName();
    if (leader.isPresent() && !leader.get().equals(o.settings().name())) {
      return memory.withLockGoneAt(0);
    }
    return leader.isEmpty() && memory.lockGoneAt() == 0 ? memory.withLockGoneAt(o.nowMillis()) : memory;
  }

  /**
   * A scheduled restart is looked at only where the node is healthy and has nothing else to do (Patroni
   * evaluates it after processing a healthy cluster): the leader with its lock, a replica following it.
   */
  private static Step withScheduledRestart(Observation o, Step step) {
    Optional<ScheduledRestart> scheduled = step.memory.scheduledRestart();
    if (scheduled.isEmpty() || !(step.rule == Rule.LEADER_WITH_LOCK || step.rule == Rule.FOLLOWING_LEADER)) {
      return step;
    }
    Optional<ScheduledRestart.Verdict> verdict = scheduled.get().evaluate(o);
    if (verdict.isEmpty()) {
      return step;
    }
    List<Action> actions = new ArrayList<>(step.actions);
    verdict.get().action().ifPresent(actions::add);
    AgentMemory memory = verdict.get().keep() ? step.memory : step.memory.withScheduledRestart(Optional.empty());
    return new Step(verdict.get().rule(), verdict.get().message(), actions, memory);
  }

  /** PostgreSQL's state as the agent publishes it; "crashed" when it was running and now is not. */
  private static String observedState(LocalPg pg, AgentMemory previous) {
    if (pg.running()) {
      return pg.status().isPresent() ? "running" : "starting";
    }
    if ("running".equals(previous.pgState()) || "crashed".equals(previous.pgState())) {
      return "crashed";
    }
    return "stopped";
  }

  /**
   * The agent's role as the member key and {@code GET /patroni} publish it: {@code standby_leader} for the lock holder
   * of a standby cluster (wire spec 1.3).
   */
  public static String role(Observation o) {
    if (o.pg().isPrimary()) {
      return "master";
    }
    if (o.pg().dataDir() == LocalPg.DataDir.EMPTY) {
      return "uninitialized";
    }
    return o.holdsLock() && StandbyLeader.section(o).isPresent() ? StandbyLeader.ROLE : "replica";
  }

  private static Step dcsUnreachable(Observation o, AgentMemory memory) {
    String why = "DCS is not accessible" + o.dcsError().map(e -> " (" + e + ")").orElse("");
    if (o.keepsPrimaryOnFailsafe()) {
      // Every member named in /failsafe accepted this node as the leader and will not race for ttl (wire spec 3.14).
      return new Step(Rule.FAILSAFE_LEADER,
          "continue to run as a leader because failsafe mode is enabled and all members are accessible", List.of(),
          memory.withFailsafeActive(true));
    }
    memory = memory.withFailsafeActive(false);
    if (o.pg().isPrimary() && !o.settings().dynamic().pause()) {
      // Without the DCS this node cannot prove it holds the lock; another node may already lead.
      String failsafe = o.settings().dynamic().failsafeMode()
          ? "; failsafe mode: " + o.failsafeRound().flatMap(FailsafeRound::whyNot).orElse("no confirmation round")
          : "";
      return new Step(Rule.DCS_UNREACHABLE, "demoting self because " + why + failsafe,
          List.of(new Action.StopPostgres(StopMode.FAST), new Action.StartPostgres(true, Optional.empty())),
          memory.withFollowing(Optional.empty()).withRewindPending(true));
    }
    return new Step(Rule.DCS_UNREACHABLE, why, List.of(), memory);
  }

  private static Step withCluster(Observation o, ClusterView view, AgentMemory memory) {
    // Row F: ZooKeeper answers again, so this node no longer runs on failsafe.
    memory = memory.withFailsafeActive(false);
    if (o.settings().dynamic().pause()) {
      Optional<Step> paused = whilePaused(o, view, memory);
      if (paused.isPresent()) {
        return paused.get();
      }
    }
    return switch (o.pg().dataDir()) {
      case NOT_ACCESSIBLE -> new Step(Rule.DATA_DIR_NOT_ACCESSIBLE,
          "data directory is not accessible", List.of(), memory);
      case EMPTY -> emptyDataDirectory(o, view, memory);
      case INITIALIZED -> initializedDataDirectory(o, view, memory);
    };
  }

  /**
   * Maintenance mode (wire spec 8.2): no automatic promotion, demotion, start or stop. Returns the
   * paused answer, or empty where the normal rules apply unchanged (a primary keeping or taking
   * the lock, a named switchover candidate, a replica following the leader).
   */
  private static Optional<Step> whilePaused(Observation o, ClusterView view, AgentMemory memory) {
    LocalPg pg = o.pg();
    if (pg.dataDir() != LocalPg.DataDir.INITIALIZED) {
      return Optional.of(new Step(Rule.PAUSED, "running with empty data directory", List.of(), memory));
    }
    if (!pg.running()) {
      if (o.holdsLock()) {
        return Optional.of(new Step(Rule.PAUSED, "removed leader lock because postgres is not running",
            List.of(new Action.ReleaseLock()), memory));
      }
      return Optional.of(new Step(Rule.PAUSED, "postgres is not running", List.of(), memory));
    }
    if (pg.status().isEmpty() || o.lockNamesMeWithOtherSession()) {
      return Optional.empty();
    }
    boolean candidate = ManualFailover.candidateStance(o, view).orElse(false);
    if (o.holdsLock()) {
      if (pg.isPrimary() || candidate || StandbyLeader.section(o).isPresent()) {
        return Optional.empty();
      }
      return Optional.of(new Step(Rule.PAUSED, "removed leader lock because postgres is not running as primary",
          List.of(new Action.ReleaseLock()), memory));
    }
    if (view.leader().isEmpty()) {
      if (pg.isPrimary() || candidate) {
        return Optional.empty();
      }
      return Optional.of(new Step(Rule.PAUSED, "no action: the cluster is paused and there is no leader",
          List.of(), memory));
    }
    if (pg.isPrimary()) {
      return Optional.of(new Step(Rule.PAUSED, "continue to run as primary without lock", List.of(), memory));
    }
    return Optional.empty();
  }

  private static Step emptyDataDirectory(Observation o, ClusterView view, AgentMemory memory) {
    String me = o.settings().name();
    Optional<MemberNode> leader = view.leaderMember().filter(l -> !l.name().equals(me));
    if (leader.isPresent() && leader.get().pgAddress().isPresent()) {
      var addr = leader.get().pgAddress().get();
      return new Step(Rule.CLONE_FROM_LEADER, "trying to bootstrap from leader '" + leader.get().name() + "'",
          List.of(new Action.CloneFrom(leader.get().name(), addr.host(), addr.port())),
          memory.withFollowing(Upstream.of(o, view)).withRewindPending(false));
    }
    Optional<io.vigil.config.StandbyCluster> standby = StandbyLeader.section(o);
    if (memory.initializeWon() && standby.isPresent() && standby.get().streams()) {
      return StandbyLeader.bootstrap(o, memory, standby.get());
    }
    if (view.initialize().isEmpty() && view.leader().isEmpty() && standby.isPresent()) {
      Optional<Step> cannot = StandbyLeader.cannotBootstrap(memory, standby.get());
      if (cannot.isPresent()) {
        return cannot.get();
      }
    }
    if (memory.initializeWon()) {
      return new Step(Rule.BOOTSTRAP_NEW_CLUSTER, "trying to bootstrap a new cluster",
          List.of(new Action.BootstrapCluster(o.settings().bootstrapDcs())), memory.withInitializeWon(false));
    }
    // As Patroni cancels a bootstrap whose watchdog cannot be activated: a node that must not lead must not create
    // the cluster either (it would demote itself at once and leave the others waiting for a leader for ever).
    if (view.initialize().isEmpty() && view.leader().isEmpty()
        && !o.settings().nofailover() && o.settings().canBootstrap() && Fencing.whyCannotLead(o).isEmpty()) {
      return new Step(Rule.RACE_INITIALIZE, "racing for the initialize key to bootstrap a new cluster",
          List.of(new Action.RaceInitialize()), memory);
    }
    return new Step(Rule.WAIT_FOR_LEADER_BOOTSTRAP, "waiting for leader to bootstrap", List.of(), memory);
  }

  private static Step initializedDataDirectory(Observation o, ClusterView view, AgentMemory memory) {
    LocalPg pg = o.pg();
    Optional<String> clusterSysid = view.initialize().filter(HaCore::validSysid);
    if (clusterSysid.isPresent() && pg.sysid().isPresent() && !clusterSysid.get().equals(pg.sysid().get())) {
      String msg = "data directory belongs to a different cluster: its system identifier is " + pg.sysid().get()
          + " but /initialize holds " + clusterSysid.get();
      return new Step(Rule.SYSID_MISMATCH, msg, List.of(new Action.Exit(1, msg)), memory);
    }
    List<Action> pre = new ArrayList<>();
    if (clusterSysid.isEmpty() && pg.sysid().isPresent() && view.leader().isEmpty() && !memory.initializeWon()) {
      pre.add(new Action.SetInitialize(pg.sysid().get()));
    }
    Step step = pg.running() ? running(o, view, memory) : notRunning(o, view, memory);
    if (pre.isEmpty()) {
      return step;
    }
    pre.addAll(step.actions);
    return new Step(step.rule, step.message, pre, step.memory);
  }

  private static Step notRunning(Observation o, ClusterView view, AgentMemory memory) {
    String me = o.settings().name();
    if (o.pg().wasPrimary()) {
      memory = memory.withRewindPending(true);
    }
    if (o.holdsLock()) {
      long timeoutMs = o.settings().dynamic().primaryStartTimeout() * 1000L;
      if (memory.startFailedSince() > 0 && o.nowMillis() - memory.startFailedSince() >= timeoutMs) {
        return new Step(Rule.START_TIMEOUT_RELEASE_LOCK,
            "removed leader key after trying and failing to start postgres for primary_start_timeout ("
                + o.settings().dynamic().primaryStartTimeout() + " s)",
            List.of(new Action.ReleaseLock()), memory.withStartSucceeded());
      }
      if (StandbyLeader.section(o).isPresent()) {
        return StandbyLeader.startWithLock(o, memory, StandbyLeader.section(o).get());
      }
      if (!o.pg().wasPrimary()) {
        // A standby's data directory started without recovery would open on the same timeline the
        // old primary used; start it read-only and promote it (next cycle) to get a new timeline.
        return new Step(Rule.START_AS_REPLICA, "starting as a read-only secondary to promote: i have the lock",
            List.of(new Action.StartPostgres(true, Optional.empty())), memory.withFollowing(Optional.empty()));
      }
      return new Step(Rule.START_AS_PRIMARY_WITH_LOCK, "starting as primary because i had the session lock",
          List.of(new Action.StartPostgres(false, Optional.empty())),
          memory.withFollowing(Optional.empty()).withRewindPending(false));
    }
    Optional<MemberNode> leader = view.leaderMember().filter(l -> !l.name().equals(me));
    Optional<RecoveryTarget> upstream = Upstream.of(o, view);
    if (upstream.isPresent() && memory.rewindPending()) {
      return rewindFromLeader(o, leader.get(), Upstream.leader(o, view).orElseThrow(), upstream.get(), List.of(),
          memory);
    }
    if (view.leader().isEmpty() && ManualFailover.candidateStance(o, view).equals(Optional.of(false))) {
      return new Step(Rule.FAILOVER_WAIT_FOR_CANDIDATE, "waiting for the switchover candidate "
          + view.failover().flatMap(f -> f.member()).orElse("") + " to take the leader lock", List.of(), memory);
    }
    String msg = upstream.isPresent()
        ? "starting as a secondary following leader " + o.leaderName().orElse("") + describe(upstream.get())
        : "starting as a read-only secondary: there is no leader yet";
    return new Step(Rule.START_AS_REPLICA, msg, List.of(new Action.StartPostgres(true, upstream)),
        memory.withFollowing(upstream));
  }

  /**
   * A former primary may have written WAL the new leader never saw; the executor compares timelines and
   * pg_rewind brings it back onto the leader's timeline if it diverged. It needs the leader to be a primary whose post-promote checkpoint is done, and
   * gives up (with a clear state) after a bounded number of failures.
   */
  private static Step rewindFromLeader(Observation o, MemberNode leader, RecoveryTarget source,
      RecoveryTarget upstream, List<Action> before, AgentMemory memory) {
    if (memory.rewindFailures() >= AgentMemory.MAX_REWIND_ATTEMPTS) {
      return new Step(Rule.REWIND_GAVE_UP, "pg_rewind from " + leader.name() + " failed "
          + memory.rewindFailures() + " times; not starting PostgreSQL (reinitialize this member)", List.of(),
          memory.withPgState("rewind failed"));
    }
    boolean leaderReady = leader.role().map(r -> r.equals("master") || r.equals("primary")).orElse(false)
        && !leader.data().containsKey("checkpoint_after_promote");
    if (!leaderReady) {
      return new Step(Rule.REWIND_FROM_LEADER, "waiting for leader " + leader.name()
          + " to finish its promotion before pg_rewind", List.of(), memory);
    }
    List<Action> actions = new ArrayList<>(before);
    actions.add(new Action.Rewind(leader.name(), source.host(), source.port()));
    actions.add(new Action.StartPostgres(true, Optional.of(upstream)));
    return new Step(Rule.REWIND_FROM_LEADER, "comparing timelines with leader " + leader.name()
        + " before following it: this node's timeline may have diverged (pg_rewind if it did)", actions,
        memory.withFollowing(Optional.of(upstream)));
  }

  private static Step running(Observation o, ClusterView view, AgentMemory memory) {
    String me = o.settings().name();
    LocalPg pg = o.pg();
    if (pg.status().isEmpty()) {
      return new Step(Rule.POSTGRES_STARTING, "PostgreSQL is still starting up", List.of(), memory);
    }
    if (o.lockNamesMeWithOtherSession()) {
      return new Step(Rule.RECLAIM_OWN_LOCK,
          "re-creating the leader key still owned by a previous session of mine",
          List.of(new Action.ReclaimLock()), memory);
    }
    if (o.lockMineButRenamed()) {
      // Taking the written name at its word would demote a healthy primary, and nobody else could ever take a lock
      // that lives as long as my session.
      return new Step(Rule.RECLAIM_OWN_LOCK, "the leader key is owned by my session but names '"
          + o.leaderName().orElse("") + "' (overwritten by another client): writing my name back",
          List.of(new Action.RenameLock()), memory);
    }
    if (o.holdsLock()) {
      return leaderWithLock(o, view, memory);
    }
    if (view.leader().isEmpty() && !pg.isPrimary() && o.rememberedFailsafeLeader().isPresent()) {
      // The primary lost ZooKeeper but asked me, less than ttl ago, to let it keep running (wire spec 3.14): it counts
      // as the leader, so I do not race, whatever the lock says.
      FailsafeLeader fl = o.rememberedFailsafeLeader().get();
      return new Step(Rule.FAILSAFE_LEADER_REMEMBERED, "no action. I am (" + me + "), a secondary, and " + fl.name()
          + " runs as the leader in failsafe mode (its POST /failsafe arrived " + (o.nowMillis() - fl.receivedAtMillis())
          + " ms ago): not racing for the leader lock", List.of(), memory);
    }
    if (view.leader().isEmpty()) {
      Optional<Boolean> stance = ManualFailover.candidateStance(o, view);
      boolean refused = memory.standingDown(o.nowMillis(), o.settings().dynamic().ttl()).isPresent();
      if (stance.equals(Optional.of(true)) && !refused && Fencing.whyCannotLead(o).isEmpty()) {
        List<Action> actions = new ArrayList<>(slotsBeforeRace(o, view));
        actions.add(new Action.AcquireLock());
        return new Step(Rule.ACQUIRE_LOCK, "acquiring session lock: i am the switchover candidate", actions, memory);
      }
      if (stance.equals(Optional.of(false))) {
        String candidate = view.failover().flatMap(f -> f.member()).orElse("");
        if (pg.isPrimary()) {
          // A primary without the lock (e.g. it ran on failsafe while a switchover was requested) must not take writes
          // while the candidate takes the lock and promotes: Patroni demotes a primary that is not the healthiest.
          return new Step(Rule.DEMOTE_WITHOUT_LOCK, "demoting self because the switchover candidate " + candidate
              + " is to take the leader lock",
              List.of(new Action.StopPostgres(StopMode.IMMEDIATE), new Action.StartPostgres(true, Optional.empty())),
              memory.withFollowing(Optional.empty()).withRewindPending(true));
        }
        return new Step(Rule.FAILOVER_WAIT_FOR_CANDIDATE, "waiting for the switchover candidate "
            + candidate + " to take the leader lock", List.of(), memory);
      }
      Optional<String> notHealthiest = LeaderRace.whyNotHealthiest(o, memory);
      if (notHealthiest.isEmpty()) {
        String msg = pg.isPrimary() ? "acquiring session lock as a leader"
            : StandbyLeader.section(o).isPresent()
                ? "acquiring session lock to become the standby leader: i am the healthiest node"
                : "acquiring session lock to promote: i am the healthiest node";
        List<Action> actions = new ArrayList<>(slotsBeforeRace(o, view));
        actions.add(new Action.AcquireLock());
        actions.addAll(ManualFailover.abandonedRequest(o, view));
        return new Step(Rule.ACQUIRE_LOCK, msg, actions, memory);
      }
      if (pg.isPrimary()) {
        // A primary that may not take the lock (e.g. it is on an old timeline) must not take writes either.
        return new Step(Rule.DEMOTE_WITHOUT_LOCK, "demoting self because " + notHealthiest.get(),
            List.of(new Action.StopPostgres(StopMode.IMMEDIATE), new Action.StartPostgres(true, Optional.empty())),
            memory.withFollowing(Optional.empty()).withRewindPending(true));
      }
      return new Step(Rule.NOT_HEALTHIEST,
          "not racing for the leader lock because " + notHealthiest.get(), List.of(), memory);
    }
    String leader = view.leader().get().name();
    Optional<RecoveryTarget> upstream = Upstream.of(o, view);
    if (pg.isPrimary()) {
      // Stop at once; the next cycle rewinds (the timeline may have forked) and starts as a replica.
      return new Step(Rule.DEMOTE_WITHOUT_LOCK,
          "demoting self because i do not have the lock and i was a leader (leader is " + leader + ")",
          List.of(new Action.StopPostgres(StopMode.IMMEDIATE)),
          memory.withFollowing(Optional.empty()).withRewindPending(true));
    }
    Optional<MemberNode> leaderMember = view.leaderMember();
    if (!memory.rewindPending() && LeaderRace.divergedFromHistory(view, pg)) {
      memory = memory.withRewindPending(true);
    }
    if (memory.rewindPending() && upstream.isPresent()) {
      return rewindFromLeader(o, leaderMember.get(), Upstream.leader(o, view).orElseThrow(), upstream.get(),
          List.of(new Action.StopPostgres(StopMode.FAST)), memory);
    }
    // A replica keeps slots only for the members that cascade from it; this also drops those it created for a
    // race it lost.
    List<Action> slots = o.settings().dynamic().useSlots()
        ? List.of(SlotPlan.sync(o, view, false)) : List.of();
    if (upstream.isPresent() && !upstream.equals(memory.following())) {
      List<Action> actions = new ArrayList<>(List.of(new Action.Follow(upstream.get())));
      actions.addAll(slots);
      return new Step(Rule.FOLLOW_LEADER, "changing primary_conninfo to follow the leader (" + leader + ")"
          + describe(upstream.get()),
          actions, memory.withFollowing(upstream));
    }
    OptionalLong leaderAhead = view.optime().stream().filter(lsn -> lsn > pg.walPosition()).findFirst();
    boolean receiving = pg.status().flatMap(s -> s.receiverConninfo()).isPresent();
    boolean wokenRecently = memory.walReceiverWokenAt() > 0
        && o.nowMillis() - memory.walReceiverWokenAt() < WAKE_INTERVAL_MS;
    boolean streams = upstream.map(RecoveryTarget::hasUpstream).orElse(false);
    if (leaderAhead.isPresent() && streams && !receiving && !wokenRecently) {
      // Typically the leader's PostgreSQL crashed and is back: its agent published a new position, which woke us.
      List<Action> actions = new ArrayList<>(List.of(new Action.WakeWalReceiver()));
      actions.addAll(slots);
      return new Step(Rule.WAKE_WALRECEIVER, "not streaming from the leader (" + leader + ") although it is at "
          + leaderAhead.getAsLong() + " and i am at " + pg.walPosition() + ": reloading so that PostgreSQL retries "
          + "now instead of after wal_retrieve_retry_interval", actions, memory.withWalReceiverWokenAt(o.nowMillis()));
    }
    String leaderKind = StandbyLeader.section(o).isPresent() ? "a standby leader" : "a leader";
    Optional<Action.CopyLogicalSlots> copy = o.settings().dynamic().useSlots() ? SlotPlan.copy(o, view)
        : Optional.empty();
    if (copy.isPresent()) {
      List<Action> actions = new ArrayList<>(slots);
      actions.add(copy.get());
      return new Step(Rule.COPY_LOGICAL_SLOTS, "copying logical slots " + copy.get().slots().stream()
          .map(io.vigil.postgres.SlotSpec::name).toList() + " from the leader (" + leader + ")", actions, memory);
    }
    return new Step(Rule.FOLLOWING_LEADER,
        "no action. I am (" + me + "), a secondary, and following " + leaderKind + " (" + leader + ")", slots, memory);
  }

  /**
   * A replica about to race creates the slots it will need as the leader first: the other replicas re-point to it
   * the moment they see its lock, before its promotion, and one that finds no slot waits
   * wal_retrieve_retry_interval (5 s) before it tries again, which in strict synchronous mode is 5 s without
   * writes. A standby can create physical slots; a race it loses leaves them to be dropped as a replica.
   */
  private static List<Action> slotsBeforeRace(Observation o, ClusterView view) {
    if (!o.settings().dynamic().useSlots() || o.pg().isPrimary()) {
      return List.of();
    }
    return List.of(SlotPlan.sync(o, view, true));
  }

  private static Step leaderWithLock(Observation o, ClusterView view, AgentMemory memory) {
    String me = o.settings().name();
    LocalPg pg = o.pg();
    Optional<io.vigil.config.StandbyCluster> standby = StandbyLeader.section(o);
    if (standby.isPresent()) {
      return StandbyLeader.withLock(o, view, memory, standby.get());
    }
    if (!pg.isPrimary() && memory.prePromoteRefusedRecently(o.nowMillis(), o.settings().dynamic().ttl())) {
      // Patroni gives the lock back after a refusal, so that another node (with its own fencing) can take over.
      return new Step(Rule.PRE_PROMOTE_REFUSED, "releasing the leader lock: pre_promote refused to let me promote",
          List.of(new Action.ReleaseLock()), memory);
    }
    if (!pg.isPrimary()) {
      Optional<Handover> handover = Handover.pending(o, view).filter(h -> !h.receivedBy(pg));
      if (handover.isPresent()) {
        return awaitFinalWal(o, handover.get(), memory);
      }
      int clusterTimeline = LeaderRace.clusterTimeline(view, me, pg.timeline());
      if (pg.timeline() > 0 && pg.timeline() < clusterTimeline) {
        // The race was decided on an older view: meanwhile another node promoted. Promoting now would open a
        // timeline that already exists, with different WAL.
        return new Step(Rule.PROMOTE_REFUSED_BEHIND, "giving the leader lock back without promoting: my timeline "
            + pg.timeline() + " is behind the cluster's timeline " + clusterTimeline, List.of(new Action.ReleaseLock()),
            memory);
      }
      Optional<String> unguarded = Fencing.whyCannotLead(o);
      if (unguarded.isPresent()) {
        return new Step(Rule.GUARD_UNAVAILABLE, "releasing the leader lock without promoting: " + unguarded.get(),
            List.of(new Action.ReleaseLock()), memory);
      }
      List<Action> promotion = new ArrayList<>(List.of(new Action.PrePromote()));
      if (o.settings().dynamic().useSlots()) {
        // Again (see slotsBeforeRace): the lock may have come without a race, and members may have joined since.
        promotion.add(SlotPlan.sync(o, view, true));
      }
      promotion.addAll(SyncReplication.beforePromotion(o, view));
      promotion.add(new Action.RecordPromotion(historyWithPromotion(o, view)));
      boolean synchronous = o.settings().dynamic().synchronousMode().enabled();
      long lastLeaderLsn = view.optime().orElse(0);
      long atRisk = Math.max(0, lastLeaderLsn - pg.walPosition());
      promotion.add(new Action.Promote(memory.lockGoneAt(), atRisk, synchronous));
      String cost = memory.lockGoneAt() > 0 ? " (leader lock gone " + (o.nowMillis() - memory.lockGoneAt())
          + " ms ago; last leader position " + lastLeaderLsn + ", mine " + pg.walPosition() + ")" : "";
      // The member key still says standby_leader: this cycle is the first since standby_cluster left /config.
      boolean wasStandbyLeader = view.member(me).flatMap(MemberNode::role).filter(StandbyLeader.ROLE::equals)
          .isPresent();
      if (wasStandbyLeader) {
        return new Step(Rule.PROMOTE_STANDBY_CLUSTER, "promoting the standby cluster: standby_cluster was removed "
            + "from /config and i am the standby leader with the lock", promotion,
            memory.withFollowing(Optional.empty()).withRewindPending(false).withHandoverWaitSince(0)
                .withSyncConfirmLsn(0));
      }
      return new Step(Rule.PROMOTE_WITH_LOCK, "promoted self to leader because i had the session lock" + cost,
          promotion, memory.withFollowing(Optional.empty()).withRewindPending(false).withHandoverWaitSince(0)
              .withSyncConfirmLsn(0));
    }
    Optional<String> demote = Fencing.whyMustDemote(o);
    if (demote.isPresent()) {
      return new Step(Rule.GUARD_UNAVAILABLE, "demoting self because " + demote.get(),
          List.of(new Action.StopPostgres(StopMode.IMMEDIATE), new Action.ReleaseLock(),
              new Action.StartPostgres(true, Optional.empty())),
          memory.withFollowing(Optional.empty()).withRewindPending(true));
    }
    List<Action> actions = new ArrayList<>();
    if (view.config().map(c -> c.data().isEmpty()).orElse(true)) {
      actions.add(new Action.WriteConfig(o.settings().dynamic().raw()));
    }
    Map<String, Long> slotPositions = SlotPlan.published(o, view);
    if (view.optime().isEmpty() || view.optime().getAsLong() != pg.walPosition()
        || !view.statusSlots().equals(slotPositions)) {
      actions.add(new Action.WriteStatus(pg.walPosition(), slotPositions));
    }
    if (pg.timeline() > 1 && historyOutdated(view, pg.timeline())) {
      actions.add(new Action.UpdateHistory(pg.timeline(),
          memory.lastPromotion().filter(c -> c.timeline() == pg.timeline())));
    }
    if (o.settings().dynamic().useSlots()) {
      actions.add(SlotPlan.sync(o, view, true));
    }
    if (o.settings().dynamic().failsafeMode()) {
      Map<String, String> topology = failsafeTopology(o, view);
      if (!view.failsafe().equals(Optional.of(topology))) {
        actions.add(new Action.WriteFailsafe(topology));
      }
    }
    SyncReplication.Plan sync = SyncReplication.onLeader(o, view, memory);
    memory = memory.withFollowing(Optional.empty()).withRewindPending(false).withSyncConfirmLsn(sync.confirmLsn());
    if (!sync.actions().isEmpty() || sync.settling()) {
      // Before a switchover: the candidate set depends on /sync, and a standby that just died must stop holding
      // up commits now.
      actions.addAll(sync.actions());
      actions.add(new Action.RecheckSoon(SyncReplication.SETTLE_RECHECK_MS));
      return new Step(Rule.SYNC_STANDBYS, "synchronous replication: " + sync.summary(), actions, memory);
    }
    Optional<ManualFailover.Verdict> manual = ManualFailover.onLeader(o, view, memory.handoverWaitSince());
    boolean waiting = manual.map(ManualFailover.Verdict::waiting).orElse(false);
    long since = memory.handoverWaitSince() > 0 ? memory.handoverWaitSince() : o.nowMillis();
    memory = memory.withHandoverWaitSince(waiting ? since : 0);
    if (manual.isPresent()) {
      actions.addAll(manual.get().actions());
      return new Step(manual.get().rule(), manual.get().message(), actions, memory);
    }
    return new Step(Rule.LEADER_WITH_LOCK, "no action. I am (" + me + "), the leader with the lock",
        actions, memory);
  }

  /**
   * The lock is mine through a planned handover, but the old leader's last WAL has not arrived: promoting now would
   * fork the timeline and lose what it wrote. Wait (bounded); then give the lock and the request back, so the old
   * leader, which has every byte, takes over again.
   */
  private static Step awaitFinalWal(Observation o, Handover h, AgentMemory memory) {
    long since = memory.handoverWaitSince() > 0 ? memory.handoverWaitSince() : o.nowMillis();
    long waited = o.nowMillis() - since;
    if (waited < Handover.WAIT_MS) {
      return new Step(Rule.HANDOVER_WAIT_FOR_WAL, "not promoting yet: waiting for " + h.describe(o.pg()),
          List.of(new Action.RecheckSoon(Handover.RECHECK_MS)), memory.withHandoverWaitSince(since));
    }
    return new Step(Rule.HANDOVER_ABANDONED, "giving the leader lock back without promoting: after " + waited
        + " ms I still do not have " + h.describe(o.pg()) + "; " + h.oldLeader() + " has it and can lead again",
        List.of(new Action.ClearFailover(java.util.OptionalInt.of(h.failoverVersion())), new Action.ReleaseLock()),
        memory.withHandoverAbandoned(o.nowMillis()));
  }

  /**
   * Reason of a {@code /history} line written before the promotion; its LSN is where the replica had
   * replayed when it decided, not the exact switch point, so the new leader replaces the line with
   * the one from PostgreSQL's timeline history file, and nobody judges divergence by it.
   */
  static final String PROVISIONAL = "promotion in progress";

  /** {@code /history} plus the switch this promotion is about to make: my timeline ends at my WAL position. */
  static List<List<Object>> historyWithPromotion(Observation o, ClusterView view) {
    List<List<Object>> history = new ArrayList<>(view.history());
    int tl = o.pg().timeline();
    history.removeIf(e -> !e.isEmpty() && e.get(0) instanceof Number n && n.intValue() >= tl);
    String at = Isoformat.utc(o.nowMillis());
    history.add(List.of((long) tl, o.pg().walPosition(), PROVISIONAL, at, o.settings().name()));
    return List.copyOf(history);
  }

  /** Rewrite {@code /history} unless its last line already records the switch to my timeline. */
  private static boolean historyOutdated(ClusterView view, int timeline) {
    List<List<Object>> h = view.history();
    if (h.isEmpty()) {
      return true;
    }
    List<Object> last = h.get(h.size() - 1);
    return last.size() != 5 || PROVISIONAL.equals(last.get(2)) || !(last.get(0) instanceof Number n) || n.intValue() != timeline - 1;
  }

  /** {@code /failsafe} as the leader writes it: every member with a REST API URL, and the leader itself (1.9). */
  static Map<String, String> failsafeTopology(Observation o, ClusterView view) {
    Map<String, String> out = new TreeMap<>();
    for (MemberNode m : view.members()) {
      m.apiUrl().ifPresent(url -> out.put(m.name(), url));
    }
    out.putIfAbsent(o.settings().name(), o.settings().apiUrl());
    return out;
  }

  /** What a follow message adds when the node does not stream from the leader itself. */
  private static String describe(RecoveryTarget upstream) {
    return upstream.hasUpstream() ? "" : " without streaming (nostream): WAL comes from restore_command only";
  }

  static boolean validSysid(String s) {
    return s.length() >= 10 && s.chars().allMatch(Character::isDigit);
  }

  record Step(Rule rule, String message, List<Action> actions, AgentMemory memory) {}
}
