package io.vigil.agent.daemon;

import io.vigil.agent.ha.Action;
import io.vigil.agent.ha.AgentMemory;
import io.vigil.agent.ha.Decision;
import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.PromotionCost;
import io.vigil.agent.ha.RewindFailure;
import io.vigil.agent.ha.SlotPlan;
import io.vigil.config.BootstrapUser;
import io.vigil.config.CustomBootstrap;
import io.vigil.config.EffectiveParameters;
import io.vigil.config.ReplicaCreation;
import io.vigil.config.ReplicaMethod;
import io.vigil.config.RewindPolicy;
import io.vigil.config.StandbyCluster;
import io.vigil.config.SyncMode;
import io.vigil.config.VigilConfig;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsException;
import io.vigil.postgres.CopiedSlot;
import io.vigil.postgres.Credentials;
import io.vigil.postgres.LocalPostgres;
import io.vigil.postgres.PostgresException;
import io.vigil.postgres.RecoveryTarget;
import io.vigil.postgres.SlotSpec;
import io.vigil.postgres.StopMode;
import io.vigil.postgres.SyncStandbyNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a decision's actions against PostgreSQL and the DCS. Results that the next decision
 * needs (did we win a race?) go back into the agent's memory; nothing else is remembered here.
 */
final class ActionExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(ActionExecutor.class);

  /**
   * What executing a decision produced.
   *
   * @param recheckInMillis run the next cycle after this delay rather than after loop_wait (a scheduled
   *                        operation is due); empty for the usual schedule
   */
  record Outcome(AgentMemory memory, boolean runAgainNow, Optional<Action.Exit> exit, OptionalLong recheckInMillis) {}

  private volatile VigilConfig config;
  private final LocalPostgres pg;
  private final Dcs dcs;
  private final PublishedStatus published;
  private final HistoryFile history;
  private final Callbacks callbacks;
  private final Guardian guardian;
  private final LockKeeper keeper;
  private static final String SYNC_NAMES = "synchronous_standby_names";
  /** The value the HA core last asked for; empty until it asks (then the mode's default applies). */
  private Optional<String> syncStandbyNames = Optional.empty();
  /** loop_wait as the last cycle saw it (Patroni's default until the first cycle): bounds an urgent before_stop. */
  private volatile int loopWaitSeconds = 10;
  private List<String> reportedSlotProblems = List.of();
  private Map<String, String> reportedSlotFailures = Map.of();
  /** Whether the first cycle has run: a PostgreSQL found running then gets on_start, as with Patroni. */
  private boolean attached;

  ActionExecutor(VigilConfig config, LocalPostgres pg, Dcs dcs, PublishedStatus published, Guardian guardian,
      LockKeeper keeper) {
    this.config = config;
    this.guardian = guardian;
    this.keeper = keeper;
    this.pg = pg;
    this.dcs = dcs;
    this.published = published;
    this.history = new HistoryFile(pg.settings().dataDir());
    this.callbacks = new Callbacks(config.scope());
  }

  /**
   * @param observedAt when the cycle's observation began, on the monotonic clock: the ZooKeeper read that confirmed
   *                   the lock reached the server after it, so the guards' deadline counts from there
   */
  private java.util.function.Consumer<java.util.Map<String, String>> failsafeWritten = m -> { };

  /** Told of every {@code /failsafe} value written (FailsafeState keeps it as the failsafe round's topology). */
  void onFailsafeWritten(java.util.function.Consumer<java.util.Map<String, String>> listener) {
    failsafeWritten = listener;
  }

  Outcome execute(Decision d, Observation o, long observedAt) {
    loopWaitSeconds = o.settings().dynamic().loopWait();
    keeper.begin(o.settings().dynamic().loopWait());
    try {
      return carryOut(d, o, observedAt);
    } finally {
      keeper.end();
    }
  }

  /**
   * Where the guards' deadline counts from: the start of the cycle's ZooKeeper read, or, for a primary kept running by
   * failsafe, the start of the round in which every member accepted it (they do not race for ttl after answering).
   */
  static long confirmedAt(Observation o, long observedAt) {
    if (o.keepsPrimaryOnFailsafe()) {
      return o.failsafeRound().orElseThrow().startedAtMonotonic();
    }
    return observedAt;
  }

  private Outcome carryOut(Decision d, Observation o, long observedAt) {
    if (!attached) {
      attached = true;
      if (o.pg().running()) {
        callback("on_start", o.pg().isPrimary());
      }
    }
    AgentMemory memory = d.memory();
    boolean again = false;
    OptionalLong recheck = OptionalLong.empty();
    for (Action a : d.actions()) {
      if (o.mySession() != 0 && dcs.sessionId() != o.mySession()) {
        // The agent stalled (GC, SIGSTOP, a stuck disk) long enough for its session to expire: the decision was made
        // for a node that held what that session held. Carried out through the new session it could, e.g., name
        // this node in /sync after another took the lock. The next cycle decides again from what is there now.
        LOG.warn("the ZooKeeper session changed since this cycle's decision ({} -> {}): not carrying out {} and "
            + "what follows it", Long.toHexString(o.mySession()), Long.toHexString(dcs.sessionId()), name(a));
        return new Outcome(memory, true, Optional.empty(), recheck);
      }
      try {
        if (a instanceof Action.Exit e) {
          return new Outcome(memory, false, Optional.of(e), recheck);
        }
        if (a instanceof Action.RecheckSoon r) {
          recheck = OptionalLong.of(r.millis());
          continue;
        }
        if (a instanceof Action.ArmGuards g) {
          try {
            guardian.keep(confirmedAt(o, observedAt), g.timeoutSeconds(), g.watchdog(), g.fence());
          } catch (Guardian.GuardException e) {
            boolean promoting = d.actions().stream().anyMatch(Action.Promote.class::isInstance);
            LOG.error("could not arm the fence or the watchdog: {}{}", e.getMessage(),
                promoting ? "; not promoting" : "");
            if (promoting) {
              break;
            }
          }
          continue;
        }
        if (a instanceof Action.FeedGuards g) {
          try {
            guardian.keep(confirmedAt(o, observedAt), g.timeoutSeconds(), g.watchdog(), g.fence());
          } catch (Guardian.GuardException e) {
            LOG.error("could not feed the fence or the watchdog: {}", e.getMessage());
          }
          continue;
        }
        if (a instanceof Action.DisarmGuards) {
          guardian.disarm();
          continue;
        }
        if (a instanceof Action.RestartPostgres r) {
          restartInPlace(o, memory.following(), r.timeoutSeconds());
          again = true;
          continue;
        }
        if (a instanceof Action.RaceInitialize) {
          boolean won = dcs.attemptInitialize();
          LOG.info(won ? "won the initialize race: bootstrapping a new cluster" : "failed to acquire initialize lock");
          memory = memory.withInitializeWon(won);
          again |= won;
        } else if (a instanceof Action.StartPostgres st) {
          try {
            startPostgres(st.upstream(), st.asReplica(), o);
            memory = memory.withStartSucceeded();
            again = true;
            // a primary that comes back as a replica changed role; anything else just started
            boolean demoted = st.asReplica() && (o.pg().isPrimary() || o.pg().wasPrimary());
            callback(demoted ? "on_role_change" : "on_start", !st.asReplica());
          } catch (PostgresException e) {
            memory = memory.withStartFailed(o.nowMillis());
            throw e;
          }
        } else if (a instanceof Action.PrePromote) {
          if (!callbacks.prePromoteAllows(config.postgresql().prePromote(), stopTimeout())) {
            memory = memory.withPrePromoteFailed(o.nowMillis());
            throw new PostgresException("pre_promote refused the promotion: not promoting");
          }
        } else if (a instanceof Action.SetSyncStandbyNames n) {
          setSyncStandbyNames(n.value(), o, memory);
          again = true;
        } else if (a instanceof Action.Promote p) {
          promote();
          memory = memory.withLastPromotion(cost(p, o));
          LOG.info("promotion to timeline {}: {}", memory.lastPromotion().get().timeline(),
              memory.lastPromotion().get().describe());
          again = true;
        } else if (a instanceof Action.Rewind r) {
          try {
            rewind(r, o);
            memory = memory.withRewindPending(false);
          } catch (PostgresException e) {
            memory = afterFailedRewind(memory, o, e);
            throw e;
          }
        } else if (a instanceof Action.BootstrapStandbyCluster b) {
          Optional<Action.Exit> failed = bootstrapStandby(b, o);
          if (failed.isPresent()) {
            return new Outcome(memory, false, failed, recheck);
          }
          again = true;
        } else if (a instanceof Action.CopyLogicalSlots c) {
          copyLogicalSlots(c, o, memory.following());
          again = true;
        } else if (a instanceof Action.BootstrapCluster b) {
          Optional<Action.Exit> failed = bootstrap(b, o);
          if (failed.isPresent()) {
            return new Outcome(memory, false, failed, recheck);
          }
          again = true;
        } else {
          again |= apply(a, o);
        }
      } catch (DcsException e) {
        LOG.warn("{} failed: DCS error: {}", name(a), e.getMessage());
        again = false;
        if (!a.housekeeping()) {
          break;
        }
      } catch (PostgresException e) {
        LOG.error("{} failed: {}", name(a), e.getMessage());
        again = false;
        if (!a.housekeeping()) {
          break;
        }
      }
    }
    return new Outcome(memory, again, Optional.empty(), recheck);
  }

  /** Carries out one action; true when the next cycle should run at once to see its effect. */
  private boolean apply(Action a, Observation o) throws DcsException, PostgresException {
    if (a instanceof Action.CloneFrom c) {
      return createReplica(Optional.of(c), config.postgresql().replicaCreation());
    } else if (a instanceof Action.CloneWithoutLeader) {
      return createReplica(Optional.empty(), config.postgresql().replicaCreation());
    } else if (a instanceof Action.StopPostgres s) {
      boolean wasRunning = pg.isRunning();
      published.postgresStopping();
      stopPostgres(s.mode());
      if (wasRunning) {
        callback("on_stop", o.pg().isPrimary());
      }
      return true;
    } else if (a instanceof Action.Follow f) {
      pg.writeConfig(parameters(o), Optional.of(f.target()));
      pg.reload();
      if (f.becomesStandbyLeader()) {
        callbacks.fire(config.postgresql().callbacks(), "on_role_change", "standby_leader");
      } else {
        callback("on_reload", false);
      }
    } else if (a instanceof Action.WakeWalReceiver) {
      pg.reload();
    } else if (a instanceof Action.RecordPromotion r) {
      dcs.writeHistory(r.history());
    } else if (a instanceof Action.GracefulDemote g) {
      gracefulDemote(g);
      return true;
    } else if (a instanceof Action.ClearFailover c) {
      dcs.writeFailover(Map.of(), c.expectedVersion());
    } else if (a instanceof Action.ReleaseLock) {
      published.dropLock();
      dcs.releaseLeader(java.util.OptionalLong.empty());
      LOG.info("released the leader lock");
      return true;
    } else if (a instanceof Action.AcquireLock) {
      boolean won = dcs.attemptLeader();
      LOG.info(won ? "acquired the leader lock" : "lost the leader race: the lock was taken by another node");
      return true;
    } else if (a instanceof Action.ReclaimLock) {
      return dcs.refreshLeader(o.view().orElseThrow());
    } else if (a instanceof Action.RenameLock) {
      return dcs.renameLeader();
    } else if (a instanceof Action.SetInitialize s) {
      dcs.setInitialize(s.sysid());
    } else if (a instanceof Action.WriteConfig w) {
      dcs.writeConfig(w.config(), OptionalInt.empty());
    } else if (a instanceof Action.WriteStatus w) {
      dcs.writeStatus(w.optime(), w.slots());
    } else if (a instanceof Action.UpdateHistory u) {
      dcs.writeHistory(history.build(u.timeline(), o.view().orElseThrow().history(), config.name(), u.cost()));
    } else if (a instanceof Action.WriteSync w) {
      dcs.writeSync(w.value(), w.expectedVersion());
    } else if (a instanceof Action.SyncSlots s) {
      syncSlots(s);
    } else if (a instanceof Action.TouchMember t) {
      dcs.touchMember(t.data());
    } else if (a instanceof Action.WriteFailsafe f) {
      dcs.writeFailsafe(f.members());
      failsafeWritten.accept(f.members());
    } else {
      throw new IllegalStateException("no executor for " + a);
    }
    return false;
  }

  private Optional<Action.Exit> bootstrap(Action.BootstrapCluster b, Observation o) throws DcsException {
    Optional<CustomBootstrap> custom = config.bootstrap().method();
    var hba = config.postgresql().pgHba().isEmpty() ? config.bootstrap().pgHba() : config.postgresql().pgHba();
    try {
      if (custom.isPresent()) {
        restore(custom.get(), hba, o);
      } else {
        published.setPgState("initializing new cluster", "uninitialized");
        pg.initdb(config.bootstrap().initdbOptions());
        if (!hba.isEmpty()) {
          pg.writeHba(hba);
        }
        writeIdent();
        startPostgres(Optional.empty(), false, o);
        pg.ensureRoles();
      }
      createBootstrapUsers();
      Optional<String> post = config.bootstrap().postBootstrap();
      if (post.isPresent()) {
        pg.runPostBootstrap(Callbacks.split(post.get()), config.postgresql().replicaCreation().methodTimeout());
      }
      String sysid = pg.controlData().systemIdentifier();
      dcs.setInitialize(sysid);
      dcs.writeConfig(b.dynamicConfig(), OptionalInt.empty());
      boolean leader = dcs.attemptLeader();
      LOG.info("initialized a new cluster (system identifier {}){}", sysid,
          leader ? "" : ", but another node took the leader lock first");
      return Optional.empty();
    } catch (PostgresException | IllegalArgumentException e) { // the latter: a command with an unclosed quote
      String msg = "bootstrap failed: " + e.getMessage();
      LOG.error(msg);
      abandonBootstrap();
      return Optional.of(new Action.Exit(1, msg));
    }
  }

  /**
   * The first node of a standby cluster clones the remote primary and starts as its replica, then publishes the
   * cluster as a bootstrap does. A clone that fails (the remote is down) gives {@code /initialize} back so the next
   * cycle tries again: nothing was created yet. A clone that does not start fails the bootstrap as initdb's would.
   */
  private Optional<Action.Exit> bootstrapStandby(Action.BootstrapStandbyCluster b, Observation o)
      throws DcsException {
    RecoveryTarget remote = b.remote();
    published.setPgState("creating replica", "uninitialized");
    LOG.info("bootstrapping a standby cluster: cloning the remote primary {}:{}", remote.host(), remote.port());
    List<String> names = o.settings().dynamic().standbyCluster().map(StandbyCluster::createReplicaMethods)
        .orElse(List.of());
    ReplicaCreation methods = config.postgresql().replicaCreation().named(names, config.raw());
    methods.problems().forEach(problem -> LOG.warn("standby_cluster.create_replica_methods: {}", problem));
    try {
      createReplica(Optional.of(new Action.CloneFrom("the remote primary", remote.host(), remote.port())), methods);
    } catch (PostgresException e) {
      LOG.error("standby cluster bootstrap: {}; giving the initialize key back to try again", e.getMessage());
      dcs.cancelInitialize();
      return Optional.empty();
    }
    try {
      startPostgres(Optional.of(remote), true, o);
      String sysid = pg.controlData().systemIdentifier();
      dcs.setInitialize(sysid);
      dcs.writeConfig(b.dynamicConfig(), OptionalInt.empty());
      boolean leader = dcs.attemptLeader();
      LOG.info("initialized a standby cluster from {}:{} (system identifier {}){}", remote.host(), remote.port(),
          sysid, leader ? "" : ", but another node took the leader lock first");
      return Optional.empty();
    } catch (PostgresException e) {
      String msg = "standby cluster bootstrap failed: " + e.getMessage();
      LOG.error(msg);
      abandonBootstrap();
      return Optional.of(new Action.Exit(1, msg));
    }
  }

  /**
   * Patroni's custom bootstrap: the script fills the data directory, PostgreSQL starts with the method's recovery
   * settings and is waited for until its recovery ends (it promotes itself), then gets this cluster's roles,
   * pg_hba.conf and postgresql.conf. Until the superuser has our password, only the superuser may log in, and
   * without one (trust, locally): the restored cluster still has its origin's passwords.
   */
  private void restore(CustomBootstrap method, List<String> hba, Observation o) throws PostgresException {
    published.setPgState("running custom bootstrap script", "uninitialized");
    List<String> argv = ScriptCommand.bootstrap(method, config.scope(), pg.settings().dataDir());
    LOG.info("running custom bootstrap method {}", method.name());
    Duration limit = config.postgresql().replicaCreation().methodTimeout();
    pg.bootstrapWith(method.name(), argv, limit);
    String restoredHba = pg.openToSuperuser();
    Map<String, String> params = parameters(o);
    pg.setStartOptions(commandLine(params));
    if (method.recoveryConf().isPresent() || method.keepExistingRecoveryConf()) {
      pg.writeRestoreConfig(params, method.recoveryConf());
    } else {
      pg.writeConfig(params, Optional.empty());
    }
    published.setPgState("starting", "master");
    try {
      pg.start();
    } catch (PostgresException e) {
      if (!pg.isRunning()) {
        throw e;
      }
      LOG.info("PostgreSQL is still recovering the restored cluster ({}); waiting for the end of recovery",
          e.getMessage());
    }
    pg.awaitEndOfRecovery(limit);
    pg.ensureRoles();
    if (hba.isEmpty()) {
      pg.restoreHba(restoredHba);
    } else {
      pg.writeHba(hba);
    }
    writeIdent();
    pg.writeConfig(parameters(o), Optional.empty());
    pg.reload();
    LOG.info("custom bootstrap method {} restored a cluster that is out of recovery", method.name());
  }

  /** Patroni's behaviour: give the initialize key back and keep the failed data directory aside. */
  private void abandonBootstrap() {
    try {
      dcs.cancelInitialize();
    } catch (DcsException e) {
      LOG.warn("could not remove the initialize key: {}", e.getMessage());
    }
    try {
      if (pg.isRunning()) {
        stopPostgres(StopMode.IMMEDIATE);
      }
    } catch (PostgresException e) {
      LOG.warn("could not stop PostgreSQL after the failed bootstrap: {}", e.getMessage());
    }
    Path dataDir = pg.settings().dataDir();
    Path failed = dataDir.resolveSibling(dataDir.getFileName() + ".failed");
    try {
      if (Files.exists(dataDir)) {
        Files.move(dataDir, failed);
        LOG.error("moved the data directory of the failed bootstrap to {}", failed);
      }
    } catch (IOException e) {
      LOG.error("could not move {} aside: {}", dataDir, e.getMessage());
    }
  }

  /**
   * Stop cleanly so the shutdown checkpoint is streamed to the replicas, publish its LSN as the
   * optime the candidate must have, then delete the lock: the candidate is woken by the deletion.
   */
  private void gracefulDemote(Action.GracefulDemote g) throws PostgresException, DcsException {
    published.postgresStopping();
    LOG.info("switchover: stopping PostgreSQL for {}", g.candidate());
    stopPostgres(StopMode.FAST);
    callback("on_stop", true);
    var control = pg.controlData();
    if (!"shut down".equals(control.clusterState())) {
      // No shutdown checkpoint (the postmaster died during the stop): there is no final position to hand over.
      // Keeping the lock makes the next cycle start PostgreSQL again as the primary.
      throw new PostgresException("switchover: PostgreSQL did not shut down cleanly (" + control.clusterState()
          + "); keeping the leader lock");
    }
    long checkpoint = control.latestCheckpointLsn();
    dcs.releaseLeader(java.util.OptionalLong.of(checkpoint));
    LOG.info("switchover: released the leader lock at LSN {} for {}", checkpoint, g.candidate());
  }

  private void rewind(Action.Rewind r, Observation o) throws PostgresException {
    RewindPolicy policy = RewindPolicy.of(config, o.settings().dynamic());
    published.setPgState("running pg_rewind from " + r.member(), "replica");
    LOG.info("checking whether this node diverged from {} ({}:{}); pg_rewind {}", r.member(), r.host(), r.port(),
        policy.usePgRewind() ? "if it did" : "is off (use_pg_rewind)");
    LocalPostgres.RewindResult result = pg.rewind(r.host(), r.port(), policy.usePgRewind());
    if (result.rewound()) {
      LOG.info("pg_rewind from {} done", r.member());
    }
  }

  /**
   * A node that cannot be rewound is re-cloned when the configuration allows it (wipe now, the next
   * cycle clones from the leader); otherwise it counts the failure and stays down, visibly.
   */
  private AgentMemory afterFailedRewind(AgentMemory memory, Observation o, PostgresException cause) {
    if (RewindFailure.sourceUnavailable(cause.getMessage())) {
      // Says nothing about this data directory: retry later, without counting it or wiping anything.
      LOG.warn("pg_rewind could not reach the leader ({}); will retry", cause.getMessage());
      return memory;
    }
    RewindPolicy policy = RewindPolicy.of(config, o.settings().dynamic());
    boolean wipe = policy.usePgRewind() ? policy.removeDataDirectoryOnRewindFailure()
        : policy.removeDataDirectoryOnDivergedTimelines();
    if (!wipe) {
      LOG.error("pg_rewind failed and the configuration keeps the data directory: {}", cause.getMessage());
      return memory.withRewindFailed();
    }
    try {
      LOG.warn("pg_rewind failed ({}); removing the data directory to clone it again", cause.getMessage());
      pg.wipeDataDirectory();
      return memory.withRewindPending(false);
    } catch (PostgresException e) {
      LOG.error("could not remove the data directory: {}", e.getMessage());
      return memory.withRewindFailed();
    }
  }

  /**
   * Problems are logged when they change, not every cycle: a bad permanent slot entry or a slot PostgreSQL refuses
   * (unknown plugin) stays as it is until the configuration changes.
   */
  private void syncSlots(Action.SyncSlots s) throws PostgresException {
    if (!s.problems().equals(reportedSlotProblems)) {
      reportedSlotProblems = s.problems();
      if (!s.problems().isEmpty()) {
        LOG.warn("permanent replication slots skipped: {}", String.join("; ", s.problems()));
      }
    }
    LocalPostgres.SlotChanges changes = pg.syncSlots(s.target());
    if (!changes.created().isEmpty()) {
      LOG.info("created replication slots {}", changes.created());
    }
    if (!changes.dropped().isEmpty()) {
      LOG.info("dropped replication slots {}", changes.dropped());
    }
    if (!changes.advanced().isEmpty()) {
      LOG.debug("advanced replication slots {}", changes.advanced());
    }
    Map<String, String> fresh = new java.util.TreeMap<>(changes.failed());
    fresh.entrySet().removeIf(e -> e.getValue().equals(reportedSlotFailures.get(e.getKey())));
    reportedSlotFailures = changes.failed();
    if (!fresh.isEmpty()) {
      LOG.warn("replication slots skipped (retried every cycle, reported again only if the error changes): {}",
          fresh.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(
              java.util.stream.Collectors.joining("; ")));
    }
  }

  /** Patroni's copy_logical_slots: read the slots on the primary, then install them while PostgreSQL is down. */
  private void copyLogicalSlots(Action.CopyLogicalSlots c, Observation o, Optional<RecoveryTarget> following)
      throws PostgresException {
    List<CopiedSlot> slots = pg.readLogicalSlots(c.host(), c.port(), c.slots());
    if (slots.isEmpty()) {
      LOG.info("the primary has none of the logical slots {} as configured: nothing to copy", c.slots().stream()
          .map(SlotSpec::name).toList());
      return;
    }
    List<String> names = slots.stream().map(CopiedSlot::name).toList();
    LOG.info("copying logical slots {} from the primary: restarting PostgreSQL", names);
    published.postgresStopping();
    pg.stop(StopMode.FAST, stopTimeout());
    callback("on_stop", false);
    try {
      pg.writeLogicalSlots(slots);
    } finally {
      startPostgres(following, true, o);
      callback("on_start", false);
    }
    LOG.info("copied logical slots {} from the primary", names);
  }

  /**
   * The configured replica creation methods in order until one fills the data directory (spec §3.9); without a
   * member to copy from only those that work without one. A failed method is logged and the next one tried.
   */
  private boolean createReplica(Optional<Action.CloneFrom> source, ReplicaCreation creation)
      throws PostgresException {
    published.setPgState("creating replica", "replica");
    List<ReplicaMethod> methods = creation.methods().stream()
        .filter(m -> source.isPresent() || m.noLeader()).toList();
    String connstring = source.map(c -> pg.replicationDsn(c.host(), c.port())).orElse("");
    for (ReplicaMethod m : methods) {
      try {
        if (m.builtin()) {
          Action.CloneFrom c = source.orElseThrow();
          LOG.info("cloning from {} ({}:{}) with pg_basebackup", c.member(), c.host(), c.port());
          pg.basebackup(c.host(), c.port(), config.postgresql().basebackupOptions());
        } else {
          List<String> argv = ScriptCommand.replica(m, config.scope(), pg.settings().dataDir(), connstring);
          pg.createReplicaWith(m.name(), argv, m.keepData(), source.map(Action.CloneFrom::host),
              source.map(Action.CloneFrom::port).orElse(0), creation.methodTimeout());
        }
        LOG.info("replica has been created using {}{}", m.name(), source.map(c -> " from " + c.member()).orElse(""));
        return true;
      } catch (PostgresException e) {
        LOG.error("replica creation method {} failed: {}", m.name(), e.getMessage());
      } catch (IllegalArgumentException e) {
        LOG.error("replica creation method {} not run: {} in postgresql.{}.command", m.name(), e.getMessage(), m.name());
      }
    }
    throw new PostgresException(methods.isEmpty() ? "no replica creation method can run without a leader"
        : "every replica creation method failed (" + methods.stream().map(ReplicaMethod::name)
            .collect(Collectors.joining(", ")) + ")");
  }

  private void startPostgres(Optional<RecoveryTarget> upstream, boolean asReplica, Observation o)
      throws PostgresException {
    startPostgres(upstream, asReplica, o, OptionalLong.empty());
  }

  private void startPostgres(Optional<RecoveryTarget> upstream, boolean asReplica, Observation o,
      OptionalLong timeoutSeconds) throws PostgresException {
    published.setPgState("starting", asReplica ? "replica" : "master");
    Map<String, String> params = parameters(o);
    pg.setStartOptions(commandLine(params));
    if (asReplica) {
      pg.writeConfig(params, Optional.of(upstream.orElse(RecoveryTarget.none())));
    } else {
      pg.writeConfig(params, Optional.empty());
    }
    if (timeoutSeconds.isPresent()) {
      pg.start(Duration.ofSeconds(timeoutSeconds.getAsLong()));
    } else {
      pg.start();
    }
  }

  /** The restricted parameters go on the postgres command line so no conf file can override them. */
  private static Map<String, String> commandLine(Map<String, String> params) {
    Map<String, String> cmd = new java.util.TreeMap<>();
    for (String name : EffectiveParameters.restricted()) {
      if (params.containsKey(name)) {
        cmd.put(name, params.get(name));
      }
    }
    return cmd;
  }

  private Map<String, String> parameters(Observation o) {
    Map<String, String> params = new java.util.LinkedHashMap<>(
        EffectiveParameters.compute(o.settings().dynamic(), config.postgresql(), config.scope()));
    if (SlotPlan.needsHotStandbyFeedback(o.settings())) {
      params.put("hot_standby_feedback", "on");
    }
    // recovery settings: written only into a replica's recovery block, never the primary's main section
    params.putAll(config.postgresql().recoveryConf());
    SyncMode mode = o.settings().dynamic().synchronousMode();
    if (syncStandbyNames.isPresent()) {
      params.put(SYNC_NAMES, syncStandbyNames.get());
    } else if (mode.enabled()) {
      // Until the leader picks its standbys: strict mode must not acknowledge a commit that only this node has.
      params.put(SYNC_NAMES, o.settings().dynamic().synchronousModeStrict() ? SyncStandbyNames.STRICT_NONE : "");
    }
    return params;
  }

  /**
   * Synchronous mode: the value goes into the configuration file Vigil writes for the current role (so a restart or
   * an operator reload keeps it), then PostgreSQL reloads it.
   */
  private void setSyncStandbyNames(String value, Observation o, AgentMemory memory) throws PostgresException {
    syncStandbyNames = Optional.of(value);
    pg.writeConfig(parameters(o), o.pg().isPrimary() ? Optional.empty()
        : Optional.of(memory.following().orElse(RecoveryTarget.none())));
    pg.reload();
    LOG.info("synchronous_standby_names is now '{}'", value);
  }

  private Duration stopTimeout() {
    return Duration.ofSeconds(config.postgresql().pgCtlTimeout());
  }

  /**
   * Every stop of PostgreSQL goes through here: first {@code postgresql.before_stop}, when PostgreSQL runs (as Patroni
   * runs it). An immediate stop is a demotion that must not wait (the lock is gone or another node holds it, the
   * data directory is being wiped): the script then gets at most one loop, otherwise pg_ctl_timeout.
   */
  private void stopPostgres(StopMode mode) throws PostgresException {
    if (pg.isRunning()) {
      Duration limit = stopTimeout();
      if (mode == StopMode.IMMEDIATE && loopWaitSeconds < limit.toSeconds()) {
        limit = Duration.ofSeconds(loopWaitSeconds);
      }
      callbacks.beforeStop(config.postgresql().beforeStop(), limit);
    }
    pg.stop(mode, stopTimeout());
  }

  /**
   * Operator restart in the current role: fast stop (PostgreSQL writes its shutdown checkpoint) and start,
   * waiting for the start at most {@code timeoutSeconds} when given.
   */
  void restartInPlace(Observation o, Optional<RecoveryTarget> following, OptionalLong timeoutSeconds)
      throws PostgresException {
    boolean replica = !o.pg().isPrimary();
    // A primary's fence stays armed: fed by the lock keeper while this runs, and again by stillLeader's read.
    keeper.begin(o.settings().dynamic().loopWait());
    try {
      published.postgresStopping();
      stopPostgres(StopMode.FAST);
      if (!replica) {
        stillLeader(o.settings().name());
      }
      startPostgres(replica ? following : Optional.empty(), replica, o, timeoutSeconds);
    } finally {
      keeper.end();
    }
    callback("on_restart", !replica);
  }

  /**
   * A primary is started again only if the lock is still ours after the stop: the agent may have been
   * frozen meanwhile and another node promoted. Otherwise PostgreSQL stays down and the next cycle decides.
   */
  private void stillLeader(String me) throws PostgresException {
    try {
      long readAt = System.nanoTime() / 1_000_000;
      if (dcs.read().isLockedBy(me, dcs.sessionId())) {
        guardian.refresh(readAt);
        return;
      }
    } catch (DcsException e) {
      throw new PostgresException("not starting PostgreSQL as primary after the restart's stop: " + e.getMessage());
    }
    throw new PostgresException("not starting PostgreSQL as primary after the restart's stop: the leader lock is no "
        + "longer mine");
  }

  boolean postgresRunning() {
    return pg.isRunning();
  }

  private void writeIdent() throws PostgresException {
    if (!config.postgresql().pgIdent().isEmpty()) {
      pg.writeIdent(config.postgresql().pgIdent());
    }
  }

  /** {@code bootstrap.users}, except the superuser and replication roles (their settings come from authentication). */
  private void createBootstrapUsers() throws PostgresException {
    var pgConfig = config.postgresql();
    for (BootstrapUser user : config.bootstrap().users()) {
      if (user.name().equals(pgConfig.superuser().username()) || user.name().equals(pgConfig.replication().username())) {
        LOG.warn("bootstrap.users.{}: skipped, the role is configured under postgresql.authentication", user.name());
        continue;
      }
      pg.ensureRole(new Credentials(user.name(), user.password()), user.options());
      LOG.info("bootstrap.users: role {} created with {}", user.name(), user.options().isEmpty() ? "LOGIN"
          : "LOGIN " + String.join(" ", user.options()));
    }
  }

  /** A reload re-read the YAML: parameters, pg_hba and the rewind settings apply from now on. */
  void reconfigure(VigilConfig reloaded) {
    config = reloaded;
    guardian.reconfigure(reloaded.watchdog());
  }

  /**
   * Operator reload: rewrite the configuration files for the current role (and pg_hba.conf / pg_ident.conf when
   * {@code postgresql.pg_hba} / {@code pg_ident} is set) and signal PostgreSQL.
   */
  void reloadConfiguration(Observation o, AgentMemory m) throws PostgresException {
    if (!config.postgresql().pgHba().isEmpty()) {
      pg.writeHba(config.postgresql().pgHba());
    }
    writeIdent();
    pg.writeConfig(parameters(o), o.pg().isPrimary() ? Optional.empty()
        : Optional.of(m.following().orElse(RecoveryTarget.none())));
    pg.reload();
    callback("on_reload", o.pg().isPrimary());
  }

  /** Operator reinitialize: stop and empty the data directory; the next cycle clones from the leader. */
  void wipeForReinitialize() throws PostgresException {
    published.postgresStopping();
    if (pg.isRunning()) {
      stopPostgres(StopMode.IMMEDIATE);
    }
    pg.wipeDataDirectory();
  }

  private void promote() throws PostgresException {
    published.setPgState("running", "promoted");
    pg.promote();
    LOG.info("promoted: PostgreSQL accepts writes");
    callback("on_role_change", true);
    // pg_rewind on the old primary reads the timeline from our pg_control: make it current now.
    pg.checkpoint();
  }

  /** Measured right after pg_ctl promote returned, i.e. when PostgreSQL accepts writes. */
  private static PromotionCost cost(Action.Promote p, Observation o) {
    long writable = System.currentTimeMillis();
    long elapsed = p.lockGoneAt() > 0 ? Math.max(0, writable - p.lockGoneAt()) : -1;
    return new PromotionCost(o.pg().timeline() + 1, elapsed, p.bytesAtRisk(), p.synchronous());
  }

  /** Agent shutdown: a fast stop, and on_stop as Patroni runs it. */
  void stopForShutdown(boolean primary) {
    try {
      if (pg.isRunning()) {
        stopPostgres(StopMode.FAST);
        LOG.info("PostgreSQL stopped");
        callback("on_stop", primary);
      }
    } catch (PostgresException e) {
      LOG.error("could not stop PostgreSQL: {}", e.getMessage());
    }
  }

  /** Release leadership on shutdown: publish the last WAL position, then delete the lock. */
  void releaseLock(OptionalLong lastOptime) {
    try {
      dcs.releaseLeader(lastOptime);
      LOG.info("released the leader lock");
    } catch (DcsException e) {
      LOG.warn("could not release the leader lock: {} (it expires with the session)", e.getMessage());
    }
  }

  /** Runs the configured callback (the configuration as last reloaded) with Patroni 3.0.2's role words. */
  private void callback(String event, boolean primary) {
    callbacks.fire(config.postgresql().callbacks(), event, primary ? "master" : "replica");
  }

  private static String name(Action a) {
    return a.getClass().getSimpleName();
  }
}
