package io.vigil.sim;

import io.vigil.agent.ha.Action;
import io.vigil.agent.ha.AgentMemory;
import io.vigil.agent.ha.Decision;
import io.vigil.agent.ha.Isoformat;
import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.RewindFailure;
import io.vigil.config.DynamicConfig;
import io.vigil.postgres.RecoveryTarget;
import io.vigil.postgres.StopMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Carries out a decision's actions in order against the simulated PostgreSQL and ZooKeeper, with the
 * daemon's ActionExecutor semantics: a ZooKeeper failure is logged and the next action still runs; a
 * PostgreSQL failure stops the remaining actions unless it was housekeeping; the next cycle runs at
 * once after a clone, start, stop, promotion, lock attempt, lock release, switchover demotion, a won
 * initialize race or a due recheck. Every
 * {@link Action} type is handled in {@link #apply}; one the simulator does not know fails loudly.
 */
final class SimExecutor {

  /** What executing a decision produced. */
  record Outcome(AgentMemory memory, boolean runAgainNow, Optional<Action.Exit> exit) {}

  /** How one action ended. */
  private record Result(boolean again, String dcsError, String pgError, Action.Exit exit) {
    static Result ok(boolean again) {
      return new Result(again, null, null, null);
    }

    static Result dcs(String error) {
      return new Result(false, error, null, null);
    }

    static Result pg(String error) {
      return new Result(false, null, error, null);
    }

    static Result exit(Action.Exit e) {
      return new Result(false, null, null, e);
    }
  }

  private final SimAgent agent;
  private final SimCluster cluster;

  SimExecutor(SimAgent agent, SimCluster cluster) {
    this.agent = agent;
    this.cluster = cluster;
  }

  void execute(Decision d, Observation o, Consumer<Outcome> done) {
    new Run(d, o, done).next();
  }

  /** One decision being carried out: the position in its action list and what it produced so far. */
  private final class Run {
    private final List<Action> actions;
    private final Observation o;
    private final Consumer<Outcome> done;
    private AgentMemory memory;
    private boolean again;
    private int index;

    Run(Decision d, Observation o, Consumer<Outcome> done) {
      this.actions = d.actions();
      this.o = o;
      this.done = done;
      this.memory = d.memory();
    }

    void next() {
      if (index == actions.size()) {
        done.accept(new Outcome(memory, again, Optional.empty()));
        return;
      }
      Action a = actions.get(index++);
      if (o.mySession() != 0 && agent.dcs.sessionId() != o.mySession()) {
        // As in the daemon's ActionExecutor: the decision was made under a session that is gone.
        agent.traceEvent("ZooKeeper session changed since the decision: dropping " + name(a) + " and what follows");
        done.accept(new Outcome(memory, true, Optional.empty()));
        return;
      }
      apply(a, this, r -> {
        if (r.exit() != null) {
          done.accept(new Outcome(memory, false, Optional.of(r.exit())));
          return;
        }
        if (r.dcsError() != null) {
          agent.traceEvent(name(a) + " failed: DCS error: " + r.dcsError());
          again = false;
          if (!a.housekeeping()) {
            // As in the daemon's ActionExecutor: a failed step aborts the steps that depend on it.
            done.accept(new Outcome(memory, false, Optional.empty()));
            return;
          }
        } else if (r.pgError() != null) {
          agent.traceEvent(name(a) + " failed: " + r.pgError());
          again = false;
          if (!a.housekeeping()) {
            done.accept(new Outcome(memory, false, Optional.empty()));
            return;
          }
        } else {
          again |= r.again();
        }
        next();
      });
    }
  }

  /** The one place that knows every action: add a branch here when the HA core gains an action. */
  private void apply(Action a, Run run, Consumer<Result> k) {
    SimPostgres pg = agent.node.pg;
    SimDcsClient dcs = agent.dcs;
    Observation o = run.o;
    if (a instanceof Action.Exit e) {
      k.accept(Result.exit(e));
    } else if (a instanceof Action.RaceInitialize) {
      dcs.attemptInitialize(r -> {
        if (r.failed()) {
          k.accept(Result.dcs(r.error()));
          return;
        }
        agent.traceEvent(r.value() ? "won the initialize race" : "failed to acquire initialize lock");
        run.memory = run.memory.withInitializeWon(r.value());
        k.accept(Result.ok(r.value()));
      });
    } else if (a instanceof Action.BootstrapCluster b) {
      bootstrap(b.dynamicConfig(), Optional.empty(), k);
    } else if (a instanceof Action.BootstrapStandbyCluster b) {
      bootstrap(b.dynamicConfig(), Optional.of(b.remote()), k);
    } else if (a instanceof Action.CloneFrom c) {
      agent.published.setPgState("creating replica");
      SimNode source = cluster.nodeByHost(c.host());
      if (source == null) {
        k.accept(Result.pg("pg_basebackup: could not translate host name " + c.host()));
        return;
      }
      pg.basebackup(source.pg, thenRunAgain(k));
    } else if (a instanceof Action.StartPostgres s) {
      startPostgres(s.asReplica(), s.upstream(), pgDone(failed -> {
        run.memory = failed.isPresent() ? run.memory.withStartFailed(o.nowMillis()) : run.memory.withStartSucceeded();
        k.accept(failed.map(Result::pg).orElse(Result.ok(true)));
      }));
    } else if (a instanceof Action.StopPostgres s) {
      agent.published.postgresStopping();
      pg.stop(s.mode(), thenRunAgain(k));
    } else if (a instanceof Action.RestartPostgres) {
      boolean replica = !o.pg().isPrimary();
      // as the daemon's restartInPlace: a primary's fence stays armed, fed again by the read that confirms the lock
      Optional<RecoveryTarget> upstream = replica ? run.memory.following() : Optional.empty();
      agent.published.postgresStopping();
      pg.stop(StopMode.FAST, pgDone(stopped -> {
        if (stopped.isPresent()) {
          k.accept(Result.pg(stopped.get()));
          return;
        }
        if (replica) {
          startPostgres(true, upstream, thenRunAgain(k));
          return;
        }
        // as the daemon: a primary starts again only if the lock is still ours after the stop
        long readAt = cluster.now();
        dcs.read(r -> {
          if (r.failed() || !r.value().isLockedBy(agent.node.name, dcs.sessionId())) {
            k.accept(Result.pg("not starting PostgreSQL as primary after the restart's stop: the lock is not mine"));
            return;
          }
          agent.guardian.refresh(readAt);
          startPostgres(false, Optional.empty(), thenRunAgain(k));
        });
      }));
    } else if (a instanceof Action.Follow f) {
      quick(pg.follow(f.target()), k);
    } else if (a instanceof Action.WakeWalReceiver) {
      quick(pg.reload(), k);
    } else if (a instanceof Action.RecordPromotion r) {
      dcs.writeHistory(r.history(), dcsDone(k));
    } else if (a instanceof Action.PrePromote) {
      if (agent.node.refusesPromotion()) {
        // as the daemon: the refusal is remembered, and the next decision gives the lock back
        run.memory = run.memory.withPrePromoteFailed(o.nowMillis());
        k.accept(Result.pg("pre_promote refused the promotion: not promoting"));
      } else {
        k.accept(Result.ok(false));
      }
    } else if (a instanceof Action.Promote) {
      cluster.promoting(agent, o);
      agent.published.setPgState("running");
      // The CHECKPOINT after pg_ctl promote is part of the promotion in the PostgreSQL model.
      pg.promote(thenRunAgain(k));
    } else if (a instanceof Action.Rewind r) {
      rewind(r, run, k);
    } else if (a instanceof Action.GracefulDemote g) {
      agent.published.postgresStopping();
      agent.traceEvent("switchover: stopping PostgreSQL for " + g.candidate());
      // A stop always ends (a crash meanwhile ends it too); the shutdown checkpoint is the last WAL.
      pg.stop(StopMode.FAST, pgDone(stopped -> {
        if (!pg.stoppedCleanly()) {
          // as the daemon: without a clean shutdown there is no final checkpoint to hand over; keep the lock
          k.accept(Result.pg("switchover: PostgreSQL did not shut down cleanly; keeping the leader lock"));
          return;
        }
        // pg_controldata's latest checkpoint location is where the shutdown checkpoint record starts
        long checkpoint = pg.wal().end() - SimPostgres.SHUTDOWN_CHECKPOINT_BYTES;
        WalHistory finalWal = pg.wal();
        // The handover exists once the final position is published: if /status cannot be written (ZooKeeper lost
        // meanwhile), the lock expires with the session and the next leader wins an ordinary race (invariant 3).
        dcs.releaseLeader(OptionalLong.of(checkpoint), () -> {
          cluster.statusWritten(agent.node, checkpoint);
          cluster.handedOver(new Handover(agent.name(), g.candidate(), finalWal));
        },
            r -> k.accept(r.failed() ? Result.dcs(r.error()) : Result.ok(true)));
      }));
    } else if (a instanceof Action.ClearFailover c) {
      dcs.writeFailover(Map.of(), c.expectedVersion(), dcsDone(k));
    } else if (a instanceof Action.RecheckSoon r) {
      agent.later(Math.max(0, Math.min(r.millis(), 60_000)), () -> k.accept(Result.ok(true)));
    } else if (a instanceof Action.ReleaseLock) {
      agent.published.dropLock();
      dcs.releaseLeader(OptionalLong.empty(), () -> { }, r -> {
        agent.traceEvent(r.failed() ? "could not release the leader lock" : "released the leader lock");
        k.accept(r.failed() ? Result.dcs(r.error()) : Result.ok(true));
      });
    } else if (a instanceof Action.AcquireLock) {
      cluster.racing(agent, o);
      dcs.attemptLeader(r -> {
        if (r.failed()) {
          k.accept(Result.dcs(r.error()));
          return;
        }
        agent.traceEvent(r.value() ? "acquired the leader lock" : "lost the leader race");
        k.accept(Result.ok(true));
      });
    } else if (a instanceof Action.ReclaimLock) {
      dcs.refreshLeader(o.view().orElseThrow(),
          r -> k.accept(r.failed() ? Result.dcs(r.error()) : Result.ok(r.value())));
    } else if (a instanceof Action.SetInitialize s) {
      dcs.setInitialize(s.sysid(), dcsDone(k));
    } else if (a instanceof Action.WriteConfig w) {
      dcs.writeConfig(w.config(), dcsDone(k));
    } else if (a instanceof Action.WriteStatus w) {
      dcs.writeStatus(w.optime(), () -> cluster.statusWritten(agent.node, w.optime()), dcsDone(k));
    } else if (a instanceof Action.UpdateHistory u) {
      dcs.writeHistory(history(pg.wal(), o.view().orElseThrow().history()), dcsDone(k));
    } else if (a instanceof Action.WriteSync w) {
      dcs.writeSync(w.value(), w.expectedVersion(), dcsDone(k));
    } else if (a instanceof Action.SetSyncStandbyNames n) {
      pg.setSynchronousStandbyNames(n.value());
      k.accept(Result.ok(true));
    } else if (a instanceof Action.SyncSlots) {
      quick(pg.syncSlots(), k);
    } else if (a instanceof Action.ArmGuards g) {
      // ActionExecutor: a guard that cannot be armed stops a promotion that needs it; otherwise it is only logged.
      Optional<String> failed = agent.guardian.keep(agent.confirmedAt(o), g.timeoutSeconds(), g.watchdog(), g.fence());
      boolean promoting = run.actions.stream().anyMatch(Action.Promote.class::isInstance);
      if (failed.isPresent() && promoting) {
        k.accept(Result.pg("could not arm the fence or the watchdog: " + failed.get() + "; not promoting"));
      } else {
        failed.ifPresent(f -> agent.traceEvent("could not arm the fence or the watchdog: " + f));
        k.accept(Result.ok(false));
      }
    } else if (a instanceof Action.FeedGuards g) {
      agent.guardian.keep(agent.confirmedAt(o), g.timeoutSeconds(), g.watchdog(), g.fence())
          .ifPresent(f -> agent.traceEvent("could not feed the fence or the watchdog: " + f));
      k.accept(Result.ok(false));
    } else if (a instanceof Action.DisarmGuards) {
      agent.guardian.disarm();
      k.accept(Result.ok(false));
    } else if (a instanceof Action.TouchMember t) {
      dcs.touchMember(t.data(), dcsDone(k));
    } else if (a instanceof Action.WriteFailsafe f) {
      dcs.writeFailsafe(f.members(), r -> {
        if (!r.failed()) {
          agent.failsafeWritten(f.members());
        }
        SimExecutor.<Boolean>dcsDone(k).accept(r);
      });
    } else {
      throw new IllegalStateException("the simulator has no model for action " + a.getClass().getSimpleName()
          + "; add it to SimExecutor.apply");
    }
  }

  /**
   * pg_rewind from the leader when the dynamic configuration allows it (wal_log_hints is assumed on).
   * On failure the data directory is wiped if the configuration says so (the next cycle clones),
   * otherwise the failure is counted and the core gives up after a few.
   */
  private void rewind(Action.Rewind r, Run run, Consumer<Result> k) {
    DynamicConfig dynamic = run.o.settings().dynamic();
    SimNode source = cluster.nodeByHost(r.host());
    if (!dynamic.usePgRewind() || source == null) {
      failedRewind(run, dynamic, "pg_rewind is not possible here (use_pg_rewind " + dynamic.usePgRewind() + ")", k);
      return;
    }
    agent.published.setPgState("running pg_rewind from " + r.member());
    agent.node.pg.rewind(source.pg, pgDone(failed -> {
      if (failed.isPresent()) {
        failedRewind(run, dynamic, failed.get(), k);
      } else {
        run.memory = run.memory.withRewindPending(false);
        k.accept(Result.ok(false));
      }
    }));
  }

  private void failedRewind(Run run, DynamicConfig dynamic, String error, Consumer<Result> k) {
    if (RewindFailure.sourceUnavailable(error)) {
      k.accept(Result.pg(error));
      return;
    }
    boolean wipe = dynamic.usePgRewind() ? dynamic.removeDataDirectoryOnRewindFailure()
        : dynamic.removeDataDirectoryOnDivergedTimelines();
    if (wipe) {
      agent.node.pg.wipeDataDirectory();
      run.memory = run.memory.withRewindPending(false);
    } else {
      run.memory = run.memory.withRewindFailed();
    }
    k.accept(Result.pg(error));
  }

  /**
   * ActionExecutor.bootstrap: initdb, start as primary, publish the sysid and /config, take the lock. A standby
   * cluster's (bootstrapStandby) starts as a replica of {@code remote} instead; its clone of the remote primary is
   * modelled by the initdb, a history of its own.
   */
  private void bootstrap(Map<String, Object> dynamicConfig, Optional<RecoveryTarget> remote, Consumer<Result> k) {
    SimPostgres pg = agent.node.pg;
    SimDcsClient dcs = agent.dcs;
    agent.published.setPgState("initializing new cluster");
    pg.initdb(pgDone(initdb -> {
      if (initdb.isPresent()) {
        abandonBootstrap(initdb.get(), k);
        return;
      }
      startPostgres(remote.isPresent(), remote, pgDone(started -> {
        if (started.isPresent()) {
          abandonBootstrap(started.get(), k);
          return;
        }
        dcs.setInitialize(pg.sysid(), set -> {
          if (set.failed()) {
            k.accept(Result.dcs(set.error()));
            return;
          }
          dcs.writeConfig(dynamicConfig, config -> {
            if (config.failed()) {
              k.accept(Result.dcs(config.error()));
              return;
            }
            dcs.attemptLeader(lock -> {
              if (lock.failed()) {
                k.accept(Result.dcs(lock.error()));
                return;
              }
              agent.traceEvent("initialized a new cluster (system identifier " + pg.sysid() + ")"
                  + (lock.value() ? "" : ", but another node took the leader lock first"));
              k.accept(Result.ok(true));
            });
          });
        });
      }));
    }));
  }

  /** Patroni's behaviour: give the initialize key back, stop PostgreSQL, move the data directory aside, exit. */
  private void abandonBootstrap(String error, Consumer<Result> k) {
    SimPostgres pg = agent.node.pg;
    agent.dcs.cancelInitialize(cancelled -> pg.stop(StopMode.IMMEDIATE, pgDone(stopped -> {
      pg.wipeDataDirectory();
      k.accept(Result.exit(new Action.Exit(1, "bootstrap failed: " + error)));
    })));
  }

  private void startPostgres(boolean asReplica, Optional<RecoveryTarget> upstream, Consumer<Optional<String>> done) {
    agent.published.setPgState("starting");
    agent.node.pg.start(asReplica, upstream.orElse(RecoveryTarget.none()), done);
  }

  /** PostgreSQL reports from its own process; the agent sees the result when it runs again. */
  private Consumer<Optional<String>> pgDone(Consumer<Optional<String>> k) {
    return result -> agent.later(0, () -> k.accept(result));
  }

  /** A PostgreSQL operation whose effect the next cycle should look at right away. */
  private Consumer<Optional<String>> thenRunAgain(Consumer<Result> k) {
    return pgDone(result -> k.accept(result.map(Result::pg).orElse(Result.ok(true))));
  }

  private static <T> Consumer<DcsResult<T>> dcsDone(Consumer<Result> k) {
    return r -> k.accept(r.failed() ? Result.dcs(r.error()) : Result.ok(false));
  }

  /** A config rewrite plus reload, or one query: a few milliseconds. */
  private void quick(Optional<String> error, Consumer<Result> k) {
    agent.later(5, () -> k.accept(error.map(Result::pg).orElse(Result.ok(false))));
  }

  /**
   * HistoryFile.build: one line per timeline switch of the current timeline's ancestry; lines already
   * in {@code /history} keep their time and leader, the newest gets now and this node's name.
   */
  private List<List<Object>> history(WalHistory wal, List<List<Object>> known) {
    List<List<Object>> out = new ArrayList<>();
    for (long[] sw : wal.switches()) {
      int parent = (int) sw[0];
      long lsn = sw[1];
      List<Object> line = new ArrayList<>(List.of(parent, lsn, "no recovery target specified"));
      known.stream()
          .filter(k -> k.size() == 5 && k.get(0) instanceof Number n && n.intValue() == parent
              && k.get(1) instanceof Number l && l.longValue() == lsn)
          .findFirst()
          .ifPresent(k -> line.addAll(k.subList(3, 5)));
      out.add(line);
    }
    if (!out.isEmpty() && out.get(out.size() - 1).size() == 3) {
      out.get(out.size() - 1).addAll(List.of(Isoformat.utc(agent.node.nowMillis()), agent.name()));
    }
    return out;
  }

  private static String name(Action a) {
    return a.getClass().getSimpleName();
  }
}
