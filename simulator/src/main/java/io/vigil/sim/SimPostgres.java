package io.vigil.sim;

import io.vigil.agent.ha.LocalPg;
import io.vigil.postgres.PgStatus;
import io.vigil.postgres.RecoveryTarget;
import io.vigil.postgres.ReplicationRow;
import io.vigil.postgres.SyncStandbyNames;
import io.vigil.postgres.StopMode;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One node's PostgreSQL: a data directory (empty or holding a WAL history, standby or not) and a
 * postmaster that starts, stops, crashes and gets promoted, each taking a while. The postmaster is its
 * own process: it keeps running, and keeps accepting writes as a primary, whatever happens to the
 * agent. Operations report back through a callback; the agent decides what to do with it.
 */
final class SimPostgres {

  enum Process { STOPPED, STARTING, RUNNING, STOPPING }

  /** Where a fresh initdb starts writing WAL. */
  private static final long INITDB_LSN = 0x2000000L;
  /**
   * What a promotion writes on its new timeline before any client does: the end-of-recovery record, the
   * checkpoint after it and a running-xacts record. With the shutdown checkpoint below, the 400 bytes the
   * manual-failover incident's new leader wrote between its promotion and its clean stop.
   */
  private static final long PROMOTION_WAL_BYTES = 280;
  /** The shutdown checkpoint record a clean stop of a primary writes last (and sends to its streaming standbys). */
  static final long SHUTDOWN_CHECKPOINT_BYTES = 120;

  private final SimCluster cluster;
  private final SimClock clock;
  private final SplittableRandom rng;
  final String name;
  final int index;
  private boolean initialized;
  private boolean cloning;
  private String sysid;
  private WalHistory wal;
  /** standby.signal is present: the server runs (or will run) in recovery. */
  private boolean standby;
  /** The last run was in recovery: a start without standby.signal ends recovery on the same timeline. */
  private boolean recoveryOnDisk;
  private RecoveryTarget upstream = RecoveryTarget.none();
  private Process process = Process.STOPPED;
  /** The postmaster start time the status query reports (an operator's scheduled restart compares it). */
  private String startedAt = "";
  /** Changes whenever the postmaster dies or a new operation starts, invalidating pending completions. */
  private long epoch;
  private Consumer<Optional<String>> pending;
  private boolean pendingIsStop;
  /** The agent's postmaster watch: told (within its 100 ms poll) when the running postmaster exits. */
  private Runnable exitWatch;
  /**
   * Each standby's walsender on this server, as pg_stat_replication shows it: when it last streamed, the flush
   * position it reports, how much of this server's WAL it holds, and the sender epoch (server run) it streamed from.
   */
  private final java.util.Map<String, long[]> walsenders = new java.util.TreeMap<>();
  /** synchronous_standby_names as the server runs with it (the model applies a reload at once). */
  private String synchronousStandbyNames = "";
  private SyncStandbyNames.Parsed syncRule = SyncStandbyNames.parse("");
  /** Client commits flushed locally and waiting for their synchronous standbys, oldest first. */
  private final java.util.ArrayDeque<Commit> waiting = new java.util.ArrayDeque<>();
  /** The postmaster last exited through a clean shutdown (not a crash, not an immediate stop). */
  private boolean cleanShutdown;
  private final WalReceiver receiver = new WalReceiver();
  /**
   * Names one run of this server as a WAL sender: it changes when the postmaster starts or exits and when a
   * promotion ends the cascading walsenders, and a standby's stream lives only as long as the epoch it began in.
   */
  private long senderEpoch;

  SimPostgres(SimCluster cluster, SimClock clock, SplittableRandom rng, String name, int index) {
    this.cluster = cluster;
    this.clock = clock;
    this.rng = rng;
    this.name = name;
    this.index = index;
  }

  // ---- what the agent and the cluster can see ----

  LocalPg observe() {
    if (!initialized) {
      return new LocalPg(LocalPg.DataDir.EMPTY, false, Optional.empty(), Optional.empty());
    }
    boolean running = process != Process.STOPPED;
    // pg_controldata of a stopped server: it last ran as a primary unless it was in recovery.
    return new LocalPg(LocalPg.DataDir.INITIALIZED, running, status(), Optional.of(sysid), !running && !recoveryOnDisk);
  }

  /** The status query; it fails unless the server accepts connections. */
  Optional<PgStatus> status() {
    if (process != Process.RUNNING) {
      return Optional.empty();
    }
    long end = wal.end();
    return Optional.of(new PgStatus(standby, wal.timeline(), standby ? 0 : end, standby ? end : 0,
        standby ? end : 0, false, startedAt, 150006, false, Optional.empty(),
        // pg_stat_wal_receiver has a row only while a walreceiver runs: not while the startup process waits to retry
        standby && upstream.hasUpstream() && receiver.streaming()
            ? Optional.of("host=" + upstream.host() + " port=" + upstream.port()) : Optional.empty(),
        standby ? List.of() : replicationRows(), synchronousStandbyNames));
  }

  /**
   * A standby streamed from this server's current run now (the data plane's tick): it reports {@code flushed}, and
   * holds this server's WAL up to {@code holds} (the same, unless its WAL differs from this server's).
   */
  void streamedTo(String standbyName, long flushed, long holds) {
    walsenders.put(standbyName, new long[] {clock.now(), flushed, holds, senderEpoch});
  }

  /**
   * synchronous_standby_names changed (written and reloaded, or written before a start). Emptied, it releases every
   * waiting commit, as PostgreSQL does when no synchronous standby is defined any more. A value PostgreSQL cannot
   * parse is refused by the reload: the server keeps the one it had.
   */
  void setSynchronousStandbyNames(String value) {
    SyncStandbyNames.Parsed rule;
    try {
      rule = SyncStandbyNames.parse(value);
    } catch (IllegalArgumentException e) {
      cluster.pgEvent(this, "reload: " + e.getMessage() + "; keeping '" + synchronousStandbyNames + "'");
      return;
    }
    synchronousStandbyNames = value;
    syncRule = rule;
    if (rule.kind() == SyncStandbyNames.Kind.NONE) {
      while (!waiting.isEmpty()) {
        cluster.acknowledged(this, waiting.poll(), false);
      }
    }
  }

  /** The walsenders that streamed within the last two ticks, in slot order (the model's slots are sorted by name). */
  private List<String> streamingSenders(boolean currentRunOnly) {
    long since = clock.now() - 2 * SimCluster.TICK_MS;
    List<String> names = new java.util.ArrayList<>();
    for (var e : walsenders.entrySet()) {
      if (e.getValue()[0] >= since && (!currentRunOnly || e.getValue()[3] == senderEpoch)) {
        names.add(e.getKey());
      }
    }
    return names;
  }

  /** Standbys that streamed within the last two ticks, as pg_stat_replication shows them (see {@link SimSyncRep}). */
  private List<ReplicationRow> replicationRows() {
    List<String> senders = streamingSenders(false);
    List<String> states = SimSyncRep.states(syncRule, senders);
    List<ReplicationRow> rows = new java.util.ArrayList<>();
    for (int i = 0; i < senders.size(); i++) {
      String name = senders.get(i);
      long flushed = walsenders.get(name)[1];
      String state = states.get(i);
      rows.add(new ReplicationRow("replicator", name, Optional.empty(), "streaming", state,
          state.equals("async") ? 0 : SimSyncRep.priority(syncRule, name), flushed, flushed, flushed));
    }
    return rows;
  }

  // ---- client commits ----

  /** A client's commit: where its WAL ends, and whether the router sent it. */
  record Commit(long end, boolean routed) {}

  /**
   * A client commits a transaction of {@code bytes} (the server accepts writes): flushed locally, and acknowledged at
   * once without synchronous standbys, else when they have flushed it ({@link #releaseWaiters}).
   */
  void commit(long bytes, boolean routed) {
    wal = wal.append(bytes);
    Commit c = new Commit(wal.end(), routed);
    if (syncRule.kind() == SyncStandbyNames.Kind.NONE) {
      cluster.acknowledged(this, c, false);
    } else {
      waiting.add(c);
    }
  }

  /**
   * The walsenders' feedback (every tick): commits waiting for synchronous replication are released up to what the
   * synchronous standbys, streaming from this run of the server, hold of its WAL.
   */
  void releaseWaiters() {
    if (waiting.isEmpty() || process != Process.RUNNING || standby) {
      return;
    }
    List<SimSyncRep.Sender> senders = new java.util.ArrayList<>();
    for (String name : streamingSenders(true)) {
      senders.add(new SimSyncRep.Sender(name, walsenders.get(name)[2]));
    }
    long release = SimSyncRep.releaseLsn(syncRule, senders);
    while (!waiting.isEmpty() && waiting.peek().end() <= release) {
      cluster.acknowledged(this, waiting.poll(), true);
    }
  }

  boolean initialized() {
    return initialized;
  }

  Process process() {
    return process;
  }

  boolean standby() {
    return standby;
  }

  boolean acceptsWrites() {
    return process == Process.RUNNING && !standby;
  }

  WalHistory wal() {
    return wal;
  }

  RecoveryTarget upstream() {
    return upstream;
  }

  String sysid() {
    return sysid;
  }

  WalReceiver receiver() {
    return receiver;
  }

  long senderEpoch() {
    return senderEpoch;
  }

  /** Stopped, and the last shutdown was clean: the WAL ends with the shutdown checkpoint. */
  boolean stoppedCleanly() {
    return process == Process.STOPPED && cleanShutdown;
  }

  /** Arms the watch on the running postmaster, replacing an earlier one. */
  void watchPostmaster(Runnable onExit) {
    exitWatch = onExit;
  }

  private void exited(boolean clean) {
    process = Process.STOPPED;
    if (!waiting.isEmpty()) {
      // The backends waiting for their standbys were terminated (or died): the clients got an error or no answer.
      cluster.unanswered(this, waiting.size());
      waiting.clear();
    }
    cleanShutdown = clean;
    senderEpoch++;
    receiver.stop();
    Runnable watch = exitWatch;
    exitWatch = null;
    if (watch != null) {
      clock.after(rng.nextInt(101), watch);
    }
  }

  /** The walreceiver got WAL from its upstream. */
  void received(WalHistory next) {
    wal = next;
  }

  // ---- operations ----

  void initdb(Consumer<Optional<String>> done) {
    if (initialized || cloning) {
      done.accept(Optional.of("initdb: directory is not empty"));
      return;
    }
    clock.after(1_500 + rng.nextInt(1_501), () -> {
      initialized = true;
      sysid = Long.toString(7_000_000_000_000_000_000L + rng.nextLong(1_000_000_000_000_000_000L));
      wal = WalHistory.initdb(cluster.nextGeneration(), INITDB_LSN);
      standby = false;
      recoveryOnDisk = false;
      cluster.pgEvent(this, "initdb: new cluster, system identifier " + sysid);
      done.accept(Optional.empty());
    });
  }

  /** Writes the configuration for the role (standby.signal and primary_conninfo), then starts and waits. */
  void start(boolean asReplica, RecoveryTarget target, Consumer<Optional<String>> done) {
    if (!initialized) {
      done.accept(Optional.of("no data directory"));
      return;
    }
    if (process != Process.STOPPED) {
      done.accept(Optional.of("postgres is already running"));
      return;
    }
    standby = asReplica;
    upstream = asReplica ? target : RecoveryTarget.none();
    process = Process.STARTING;
    long e = begin(done, false);
    clock.after(500 + rng.nextInt(2_001), () -> {
      if (epoch != e) {
        return;
      }
      process = Process.RUNNING;
      senderEpoch++;
      startedAt = "virtual ms " + clock.now();
      if (!standby) {
        // Without standby.signal a former standby just ends recovery: no promotion, no new timeline.
        String how = recoveryOnDisk ? "ended recovery without a promotion, staying on timeline " + wal.timeline()
            : "started as primary on timeline " + wal.timeline();
        wal = wal.branch(wal.timeline(), cluster.nextGeneration());
        cluster.startedAsPrimary(this, how);
      } else {
        receiver.start(clock.now());
        cluster.pgEvent(this, "started as replica of " + (upstream.hasUpstream() ? upstream.host() : "nobody")
            + " at " + wal);
      }
      recoveryOnDisk = standby;
      finish(Optional.empty());
    });
  }

  void stop(StopMode mode, Consumer<Optional<String>> done) {
    if (process == Process.STOPPED) {
      done.accept(Optional.empty());
      return;
    }
    process = Process.STOPPING;
    long e = begin(done, true);
    long d = mode == StopMode.IMMEDIATE ? 50 + rng.nextInt(251) : 300 + rng.nextInt(1_201);
    clock.after(d, () -> {
      if (epoch != e) {
        return;
      }
      if (mode != StopMode.IMMEDIATE && !standby) {
        // A clean shutdown sends everything up to the shutdown checkpoint to the standbys streaming from it.
        wal = wal.append(SHUTDOWN_CHECKPOINT_BYTES);
        cluster.flushToStandbys(this);
      }
      exited(mode != StopMode.IMMEDIATE);
      cluster.pgEvent(this, "stopped (" + mode.name().toLowerCase(java.util.Locale.ROOT) + ") at " + wal);
      finish(Optional.empty());
    });
  }

  /** pg_ctl promote, waiting until the server leaves recovery on a new timeline. */
  void promote(Consumer<Optional<String>> done) {
    if (process != Process.RUNNING || !standby) {
      done.accept(Optional.of(process != Process.RUNNING ? "postgres is not running"
          : "server is not in standby mode"));
      return;
    }
    long e = begin(done, false);
    // The startup process shuts the walreceiver down first: nothing more arrives from the old upstream.
    receiver.stop();
    clock.after(200 + rng.nextInt(1_001), () -> {
      if (epoch != e) {
        return;
      }
      standby = false;
      recoveryOnDisk = false;
      senderEpoch++;
      WalHistory parent = wal;
      wal = wal.branch(parent.timeline() + 1, cluster.nextGeneration()).append(PROMOTION_WAL_BYTES);
      cluster.promoted(this, parent, "promoted: timeline " + parent.timeline() + " -> " + wal.timeline() + " at "
          + parent.end());
      finish(Optional.empty());
    });
  }

  /** Follow: rewrite primary_conninfo, then reload (which needs a running server). */
  Optional<String> follow(RecoveryTarget target) {
    if (!target.equals(upstream) && process == Process.RUNNING && standby) {
      receiver.reload(clock.now());
    }
    upstream = target;
    return process == Process.RUNNING || process == Process.STARTING ? Optional.empty()
        : Optional.of("pg_ctl reload: server is not running");
  }

  /** pg_ctl reload with nothing changed: wakes a walreceiver waiting to retry (see {@link WalReceiver#sighup}). */
  Optional<String> reload() {
    if (process != Process.RUNNING) {
      return Optional.of("pg_ctl reload: server is not running");
    }
    if (standby) {
      receiver.sighup(clock.now());
    }
    return Optional.empty();
  }

  /** Slot maintenance is a query: it needs a running server and changes nothing the model tracks. */
  Optional<String> syncSlots() {
    return process == Process.RUNNING ? Optional.empty() : Optional.of("could not connect to the server");
  }

  /** pg_basebackup from {@code source}: a copy of its data directory as of the end of the backup. */
  void basebackup(SimPostgres source, Consumer<Optional<String>> done) {
    if (initialized || cloning || process != Process.STOPPED) {
      done.accept(Optional.of("pg_basebackup: directory exists but is not empty"));
      return;
    }
    if (!cluster.canStreamFrom(this, source)) {
      // Two attempts 5 s apart, both refused or timing out.
      clock.after(5_000 + rng.nextInt(5_001), () -> done.accept(Optional.of("pg_basebackup: could not connect to "
          + source.name)));
      return;
    }
    cloning = true;
    clock.after(4_000 + rng.nextInt((int) SimSettings.CLONE_MAX_MS - 4_000 + 1), () -> {
      cloning = false;
      if (!cluster.canStreamFrom(this, source)) {
        done.accept(Optional.of("pg_basebackup: connection to " + source.name + " lost"));
        return;
      }
      initialized = true;
      sysid = source.sysid;
      wal = source.wal;
      standby = true;
      recoveryOnDisk = true;
      upstream = RecoveryTarget.none();
      cluster.pgEvent(this, "cloned from " + source.name + " at " + wal);
      done.accept(Optional.empty());
    });
  }

  /**
   * pg_rewind from {@code source}, which must be a reachable primary: a data directory that went past
   * the point where the source's history forked from it is cut back to that point; one that did not
   * is left as it is ("no rewind required"). Either way it comes back as a standby.
   */
  void rewind(SimPostgres source, Consumer<Optional<String>> done) {
    if (!initialized || process != Process.STOPPED) {
      done.accept(Optional.of("pg_rewind: target server must be shut down cleanly"));
      return;
    }
    clock.after(1_000 + rng.nextInt(4_001), () -> {
      if (!cluster.canStreamFrom(this, source) || source.standby) {
        done.accept(Optional.of("pg_rewind: could not fetch the source's timeline history from " + source.name
            + (source.standby ? ": it is not a primary" : "")));
        return;
      }
      long fork = wal.commonPrefix(source.wal);
      if (fork < wal.end()) {
        cluster.rewound(this, wal.end() - fork);
        wal = source.wal.prefix(fork);
      } else {
        cluster.pgEvent(this, "pg_rewind from " + source.name + ": no rewind required at " + wal);
      }
      standby = true;
      recoveryOnDisk = true;
      done.accept(Optional.empty());
    });
  }

  /** The data directory is removed (a failed bootstrap moved aside, a failed rewind wiped): empty again. */
  void wipeDataDirectory() {
    initialized = false;
    sysid = null;
    wal = null;
    standby = false;
    recoveryOnDisk = false;
  }

  /** The postmaster dies: no more writes, nothing more sent to standbys; waiting operations learn it. */
  void crash() {
    die("postmaster crashed at ");
  }

  /**
   * The fence's SIGQUIT: an immediate shutdown, which for what the model tracks is a crash (no shutdown checkpoint,
   * nothing more sent to the standbys, commits waiting for standbys unanswered); the data directory stays as it is.
   */
  void fenceStop() {
    die("stopped (immediate, by the fence) at ");
  }

  private void die(String what) {
    if (process == Process.STOPPED) {
      return;
    }
    exited(false);
    epoch++;
    cluster.pgEvent(this, what + wal);
    Consumer<Optional<String>> waiting = pending;
    boolean wasStop = pendingIsStop;
    pending = null;
    if (waiting != null) {
      waiting.accept(wasStop ? Optional.empty() : Optional.of("postgres exited unexpectedly"));
    }
  }

  private long begin(Consumer<Optional<String>> done, boolean isStop) {
    epoch++;
    pending = done;
    pendingIsStop = isStop;
    return epoch;
  }

  private void finish(Optional<String> result) {
    Consumer<Optional<String>> waiting = pending;
    pending = null;
    if (waiting != null) {
      waiting.accept(result);
    }
  }
}
