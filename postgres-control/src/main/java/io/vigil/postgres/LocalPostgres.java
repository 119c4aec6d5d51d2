package io.vigil.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local PostgreSQL instance: its data directory, configuration files, postmaster process and
 * SQL view. Every PostgreSQL binary runs as {@link PostgresSettings#runAsUser()} (through
 * {@code runuser -u <user> --}) when that is set, and directly otherwise; every file and directory
 * this class creates belongs to that user.
 *
 * <p>Safety rule: a data directory that holds a cluster is never removed or overwritten implicitly.
 * {@link #initdb} refuses anything but a missing or empty directory; only {@link #basebackup}
 * empties the directory, and calling it is the caller's explicit decision to replace whatever is
 * there (it still refuses while a postmaster runs in it).
 *
 * <p>{@link #status()}, {@link #isRunning()}, {@link #isReady()}, {@link #postmasterPid()},
 * {@link #dataDirectoryState()} and {@link #controlData()} may be called from any thread; the
 * mutating operations are meant for the one thread that runs the HA loop.
 */
public final class LocalPostgres {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);

  static final List<String> REQUIRED_BINARIES =
      List.of("postgres", "pg_ctl", "initdb", "pg_basebackup", "pg_controldata", "pg_isready");
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final PostgresSettings settings;
  private final PgCommand commands;
  private final Postmaster postmaster;
  private final SqlSession session;
  private final SqlSession watchSession;
  private final ConfigWriter config;
  private final ClusterCreator creator;
  private final ServerProcess server;
  private final Rewinder rewinder;
  private final PostmasterWatch watch;
  private final OwnedFiles files;

  public LocalPostgres(PostgresSettings settings) {
    this.settings = settings;
    this.commands = new PgCommand(settings.binDir(), settings.runAsUser(), settings.binNames());
    this.postmaster = new Postmaster(settings.dataDir());
    this.session = new SqlSession(settings.localHost(), settings.port(), settings.database(), settings.superuser());
    this.watchSession = new SqlSession(settings.localHost(), settings.port(), settings.database(),
        settings.superuser());
    this.files = new OwnedFiles(settings.runAsUser());
    this.config = new ConfigWriter(settings, files);
    this.creator = new ClusterCreator(settings, commands, files, config, postmaster);
    this.watch = new PostmasterWatch(postmaster);
    this.server = new ServerProcess(settings, commands, postmaster, session, watch);
    this.rewinder = new Rewinder(settings, commands, files, config, postmaster, this::controlData);
  }

  /**
   * Outcome of {@link #rewind}.
   *
   * @param rewound false when pg_rewind found nothing to do ("no rewind required": this data
   *                directory never went past the point where the source's timeline forked)
   * @param output  the last lines pg_rewind printed, newline-separated
   */
  public record RewindResult(boolean rewound, String output) {}

  public PostgresSettings settings() {
    return settings;
  }

  /** This member's replication slot name, as Patroni derives it (spec §3.13): {@code node-1.A} → {@code node_1_a}. */
  public static String slotName(String memberName) {
    return SlotName.of(memberName);
  }

  /**
   * {@code primary_conninfo} for streaming from {@code host:port} (spec §4.3): {@code user},
   * {@code passfile} (only when the role has a password; the password itself goes to the pgpass
   * file), {@code host}, {@code port}, {@code sslmode=prefer}, {@code application_name},
   * {@code gssencmode=prefer}, {@code channel_binding=prefer}; quote, backslash and space escaped.
   */
  public static String primaryConninfo(String host, int port, Credentials replication, Path pgpass,
      String applicationName) {
    return Conninfo.primary(host, port, replication, pgpass, applicationName);
  }

  // ---------------------------------------------------------------- data directory and files

  /** Missing/empty, holding a cluster, or something else not to be touched (see {@link DataDirectory}). */
  public DataDirectory dataDirectoryState() {
    return DataDirectory.of(settings.dataDir());
  }

  /** Fails with one line naming what is missing, e.g. {@code /opt/pg/bin: no PostgreSQL binaries (postgres, … not found)}. */
  public void checkBinaries() throws PostgresException {
    List<String> missing = REQUIRED_BINARIES.stream().filter(b -> commands.find(b).isEmpty())
        .map(b -> settings.binNames().getOrDefault(b, b)).toList();
    if (missing.isEmpty()) {
      return;
    }
    String where = settings.binDir().map(Path::toString).orElse("PATH");
    String what = missing.size() == REQUIRED_BINARIES.size() ? "no PostgreSQL binaries" : "incomplete PostgreSQL binaries";
    throw new PostgresException(where + ": " + what + " (" + String.join(", ", missing) + " not found)");
  }

  /**
   * Runs {@code initdb -D <data> <options> --username=<superuser> [--pwfile=<temp>]}. The data
   * directory (and missing parents) is created owned by the run-as user, the data directory with
   * mode 0700. Refused unless the data directory is missing or empty.
   *
   * @param initdbOptions rendered options such as {@code --encoding=UTF8}; options that would break
   *                      the agent's assumptions (pgdata, pwfile, no-sync, sync-only, version) are refused
   */
  public void initdb(List<String> initdbOptions) throws PostgresException {
    creator.initdb(initdbOptions);
  }

  /** Rewrites pg_hba.conf completely: Patroni's two-line header, then {@code lines}. */
  public void writeHba(List<String> lines) throws PostgresException {
    config.writeHba(lines);
  }

  /** Rewrites pg_ident.conf completely: Patroni's two-line header, then {@code lines}. */
  public void writeIdent(List<String> lines) throws PostgresException {
    config.writeIdent(lines);
  }

  /**
   * Writes postgresql.conf as Patroni does (spec §4.2): on first use the original file becomes
   * postgresql.base.conf and is included; then {@code parameters} sorted and quoted, hba_file and
   * ident_file, and, when {@code follow} is present, the {@code # recovery.conf} block
   * (primary_conninfo with {@code application_name=<member>}, primary_slot_name, empty
   * recovery_target_*, recovery_target_timeline='latest') plus standby.signal. Without
   * {@code follow}, standby.signal and recovery.signal are removed. Recovery settings are removed
   * from postgresql.auto.conf either way. {@link RecoveryTarget#none()} makes a standby without
   * primary_conninfo. When following an upstream with a replication password, the pgpass file is
   * rewritten: the upstream's entry first, then the entries last given to {@link #writePgpass}.
   * Takes effect at the next start or {@link #reload()}.
   *
   * @param parameters effective server parameters; recovery settings among them (restore_command,
   *                   archive_cleanup_command, …) are used only in the recovery block
   */
  public void writeConfig(Map<String, String> parameters, Optional<RecoveryTarget> follow) throws PostgresException {
    config.writeConfig(parameters, follow);
  }

  /** Replaces the password file: mode 0600, owned by the run-as user so libpq accepts it, {@code :} and {@code \} escaped. */
  public void writePgpass(List<PgpassEntry> entries) throws PostgresException {
    config.writePgpass(entries);
  }

  // ---------------------------------------------------------------- process

  /**
   * Server parameters passed on the postgres command line ({@code --name=value}), where they beat
   * any file (spec §7.3's restricted parameters: wal_level, max_connections, …). Used from the next
   * {@link #start()} on. {@code listen_addresses}, {@code port} and {@code cluster_name} always
   * come from the settings.
   */
  public void setStartOptions(Map<String, String> commandLineParams) {
    server.setStartOptions(commandLineParams);
  }

  /**
   * Where the postmaster's stdout/stderr go, appended: {@code <data dir's parent>/<member>-postgres.log}
   * (member name with characters other than {@code [A-Za-z0-9._-]} replaced by {@code _}).
   * Outside the data directory so pg_basebackup neither copies nor wipes it.
   */
  public Path startupLog() {
    return server.startupLog();
  }

  /**
   * Starts {@code postgres -D <data> --config-file=<data>/postgresql.conf --name=value…} detached
   * through {@code setsid} (the postmaster outlives the agent, even a kill -9 of the JVM), with an
   * environment free of {@code PATRONI_*}, {@code VIGIL_*} and {@code KUBERNETES_*} variables, then
   * waits until it accepts connections. Fails fast with the log's last lines when postgres exits
   * during startup (port in use, bad setting), and after {@link PostgresSettings#startTimeout()}
   * otherwise; in the timeout case PostgreSQL is left running (a replica may still be replaying)
   * and {@link #isRunning()} tells. Refused when already running.
   */
  public void start() throws PostgresException {
    server.start(settings.startTimeout());
  }

  /** {@link #start()}, waiting at most {@code timeout} for connections (an operator's restart timeout). */
  public void start(Duration timeout) throws PostgresException {
    server.start(timeout);
  }

  /**
   * A live postmaster owns the data directory: postmaster.pid names a live, non-zombie
   * {@code postgres} process, not this JVM or its parent, whose working directory is the data
   * directory (checked in /proc, because a pid file outlives a crash and pids get reused).
   */
  public boolean isRunning() {
    return postmaster.pid().isPresent();
  }

  public OptionalLong postmasterPid() {
    return postmaster.pid();
  }

  /**
   * {@code pg_isready} exits 0: the server accepts connections. Chosen over a JDBC probe because it
   * needs no password and tells "starting" from "down" without an authentication attempt.
   */
  public boolean isReady() {
    return server.isReady();
  }

  /**
   * Signals the postmaster (SMART: SIGTERM, FAST: SIGINT, IMMEDIATE: SIGQUIT) and waits until it is
   * gone. When {@code timeout} passes, a smart or fast stop escalates to immediate; if that does not
   * end it within 10 s the postmaster is frozen (SIGSTOP) and killed with all its children. Closes
   * the agent's own connection first. Returns at once when not running.
   */
  public void stop(StopMode mode, Duration timeout) throws PostgresException {
    server.stop(mode, timeout);
  }

  /**
   * {@code pg_ctl promote -D <data> -W}, then waits (up to the start timeout) until
   * {@code pg_is_in_recovery()} is false, i.e. the new timeline is open for writes.
   */
  public void promote() throws PostgresException {
    server.promote();
  }

  /** {@code pg_ctl reload -D <data>}: re-read configuration files (SIGHUP). */
  public void reload() throws PostgresException {
    server.reload();
  }

  // ---------------------------------------------------------------- cloning and pg_control

  /**
   * Replaces the data directory with a copy of {@code sourceHost:sourcePort}: empties the data
   * directory (calling this is the decision to discard what is there; refused while a postmaster
   * runs in it), writes the pgpass entry for the source (when the replication role has a password;
   * entries last given to {@link #writePgpass} are kept after it),
   * and runs {@code pg_basebackup --pgdata=<data> -X stream --dbname="dbname=<database>
   * user=<replication> host=… port=…" <options>} with {@code PGPASSFILE=<pgpass>}. Two attempts,
   * 5 s apart, each on an emptied directory. On failure the partial copy is removed (the directory
   * itself is kept: it may be a mount point) and this throws. No time limit: interrupt the calling
   * thread to cancel (pg_basebackup is then killed).
   *
   * @param options rendered options such as {@code --checkpoint=fast}; options that would change
   *                where or how the copy is written or whom it connects to are refused
   */
  public void basebackup(String sourceHost, int sourcePort, List<String> options) throws PostgresException {
    creator.basebackup(sourceHost, sourcePort, options);
  }

  /** {@code pg_controldata <data>} with {@code LANG=C LC_ALL=C}, parsed. Works whether or not PostgreSQL runs. */
  public ControlData controlData() throws PostgresException {
    if (!Files.isRegularFile(settings.dataDir().resolve("PG_VERSION"))) {
      throw new PostgresException("pg_controldata: no cluster in " + settings.dataDir());
    }
    ProcessRunner.Result result = commands.runOk("pg_controldata", List.of(settings.dataDir().toString()),
        Map.of("LANG", "C", "LC_ALL", "C"), COMMAND_TIMEOUT);
    ControlData data = ControlData.parse(result.stdout());
    if (data.get(ControlData.SYSTEM_IDENTIFIER).isEmpty() || data.get(ControlData.CLUSTER_STATE).isEmpty()) {
      throw new PostgresException("pg_controldata printed no system identifier for " + settings.dataDir()
          + ": " + result.outputTail(2));
    }
    return data;
  }

  // ---------------------------------------------------------------- SQL

  /**
   * The per-cycle status (spec §4.6) in one query over the kept connection (superuser, host from
   * {@link PostgresSettings#localHost()}, connect timeout 3 s, statement_timeout 2000 ms,
   * application_name Vigil). A stale connection is replaced and the query retried once.
   */
  public PgStatus status() throws PostgresException {
    return session.call("status query", StatusQuery::run);
  }

  /**
   * The {@code application_name}s of the standbys streaming from this server now, on a connection of its own (the
   * walsender watch asks several times a second and must not queue behind the HA loop's status query).
   */
  public java.util.Set<String> streamingStandbys() throws PostgresException {
    return watchSession.call("walsender query", c -> {
      java.util.Set<String> names = new java.util.TreeSet<>();
      try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(
          "SELECT application_name FROM pg_catalog.pg_stat_replication WHERE state = 'streaming'")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      return names;
    });
  }

  /**
   * Creates or alters a login role with {@code options} (keywords such as {@code CREATEDB}) and its password, with
   * statement logging off; for {@code bootstrap.users}.
   */
  public void ensureRole(Credentials role, List<String> options) throws PostgresException {
    session.call("role " + role.username(), c -> {
      Roles.ensure(c, role, options);
      return null;
    });
  }

  /**
   * After bootstrap, on the primary: give the superuser its password (when it has one) and create
   * or alter the replication role {@code WITH REPLICATION LOGIN [PASSWORD …]} (spec §3.8), with
   * statement logging off so passwords stay out of the server log.
   */
  public void ensureRoles() throws PostgresException {
    session.call("role setup", c -> {
      if (settings.superuser().hasPassword()) {
        Roles.ensure(c, settings.superuser(), List.of("SUPERUSER"));
      }
      Roles.ensure(c, settings.replication(), List.of("REPLICATION"));
      return null;
    });
  }

  /** What {@link #syncSlots} did, for the caller's log lines; failures are per slot and do not stop the others. */
  public record SlotChanges(List<String> created, List<String> dropped, List<String> advanced,
      Map<String, String> failed) {}

  /**
   * Makes this server's slots match {@code target}: creates the missing wanted ones (a logical one only on a
   * primary: a standby gets copies, see {@link #readLogicalSlots}), drops inactive unwanted ones unless ignored,
   * re-creates one whose type, database or plugin changed, and advances copies. Temporary slots are never touched.
   */
  public SlotChanges syncSlots(SlotTarget target) throws PostgresException {
    List<SlotInfo> existing = replicationSlots();
    boolean standby = session.call("recovery check", c -> {
      try (java.sql.Statement st = c.createStatement();
           java.sql.ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_is_in_recovery()")) {
        return rs.next() && rs.getBoolean(1);
      }
    });
    List<String> created = new java.util.ArrayList<>();
    List<String> dropped = new java.util.ArrayList<>();
    List<String> advanced = new java.util.ArrayList<>();
    Map<String, String> failed = new java.util.TreeMap<>();
    Map<String, SlotInfo> byName = new java.util.TreeMap<>();
    for (SlotInfo slot : existing) {
      byName.put(slot.name(), slot);
      SlotSpec want = target.wanted().get(slot.name());
      boolean unwanted = want == null && target.dropUnwanted() && !target.ignored().ignores(slot);
      boolean changed = want != null && !want.sameKind(slot);
      if ((unwanted || changed) && !slot.active()) {
        attempt(slot.name(), failed, () -> {
          if (dropSlot(slot.name())) {
            dropped.add(slot.name());
            byName.remove(slot.name());
          }
        });
      }
    }
    for (SlotSpec want : target.wanted().values()) {
      if (!byName.containsKey(want.name()) && !(standby && want.logical())) {
        attempt(want.name(), failed, () -> {
          if (createSlot(want)) {
            created.add(want.name());
          }
        });
      }
    }
    for (Map.Entry<String, Long> a : target.advanceTo().entrySet()) {
      SlotInfo slot = byName.get(a.getKey());
      SlotSpec want = target.wanted().get(a.getKey());
      if (slot != null && want != null && want.sameKind(slot) && !slot.active()
          && Long.compareUnsigned(a.getValue(), slot.position()) > 0) {
        attempt(slot.name(), failed, () -> {
          try {
            if (advanceSlot(slot, a.getValue())) {
              advanced.add(slot.name());
            }
          } catch (PostgresException e) {
            if (!walGone(e)) {
              throw e;
            }
            // As Patroni: a copy whose restart_lsn is older than this server's WAL can never move; without it the
            // HA core copies the slot again, with the primary's newer state.
            if (dropSlot(slot.name())) {
              dropped.add(slot.name());
            }
            throw new PostgresException("the copy needs WAL this server no longer has (" + e.getMessage()
                + "): dropped, to be copied again from the primary", e);
          }
        });
      }
    }
    return new SlotChanges(List.copyOf(created), List.copyOf(dropped), List.copyOf(advanced), Map.copyOf(failed));
  }

  /** SQLSTATE 58P01 (undefined_file): the WAL segment a slot needs has been removed. */
  private static boolean walGone(PostgresException e) {
    return e.getCause() instanceof java.sql.SQLException sql && "58P01".equals(sql.getSQLState());
  }

  private interface SlotWork {
    void run() throws PostgresException;
  }

  private static void attempt(String slot, Map<String, String> failed, SlotWork work) {
    try {
      work.run();
    } catch (PostgresException | IllegalArgumentException e) {
      failed.put(slot, e.getMessage());
    }
  }

  /** The non-temporary replication slots of this server. */
  public List<SlotInfo> replicationSlots() throws PostgresException {
    return session.call("replication slot list", ReplicationSlots::list);
  }

  /**
   * Creates {@code slot} unless a slot of that name exists; true when this call created it. A logical slot is created
   * on a connection to its database, without statement timeout: PostgreSQL waits for running transactions first.
   *
   * @throws IllegalArgumentException for a name outside {@code [a-z0-9_]{1,63}}
   */
  public boolean createSlot(SlotSpec slot) throws PostgresException {
    if (!slot.logical()) {
      return session.call("creating replication slot " + slot.name(), c -> ReplicationSlots.create(c, slot));
    }
    try (SqlSession db = inDatabase(slot.database())) {
      return db.call("creating logical replication slot " + slot.name(), c -> ReplicationSlots.create(c, slot));
    }
  }

  /** Drops the slot if it exists and is inactive; true when this call dropped it. */
  public boolean dropSlot(String name) throws PostgresException {
    return session.call("dropping replication slot " + name, c -> ReplicationSlots.drop(c, name));
  }

  /**
   * Moves an inactive slot forward to {@code lsn} (never back) with {@code pg_replication_slot_advance}; a logical
   * slot on a connection to its database. True when it moved.
   */
  public boolean advanceSlot(SlotInfo slot, long lsn) throws PostgresException {
    if (!slot.logical()) {
      return session.call("advancing replication slot " + slot.name(), c -> ReplicationSlots.advance(c, slot.name(), lsn));
    }
    try (SqlSession db = inDatabase(slot.database())) {
      return db.call("advancing logical replication slot " + slot.name(),
          c -> ReplicationSlots.advance(c, slot.name(), lsn));
    }
  }

  /**
   * Reads the wanted logical slots' on-disk state from the primary at {@code host:port} (as the superuser:
   * {@code pg_read_binary_file} needs it); a slot the primary lacks, or has with another database or plugin, is
   * left out.
   */
  public List<CopiedSlot> readLogicalSlots(String host, int port, List<SlotSpec> wanted) throws PostgresException {
    try (SqlSession primary = new SqlSession(host, port, settings.database(), settings.superuser())) {
      return primary.call("reading logical slots from the primary", c -> LogicalSlotCopy.read(c, wanted));
    }
  }

  /** Installs slots read by {@link #readLogicalSlots} into the data directory; PostgreSQL must be stopped. */
  public void writeLogicalSlots(List<CopiedSlot> slots) throws PostgresException {
    if (isRunning()) {
      throw new PostgresException("cannot copy logical slots into a running PostgreSQL");
    }
    try {
      LogicalSlotCopy.write(settings.dataDir(), slots, files);
    } catch (java.io.IOException e) {
      throw new PostgresException("writing logical slots to " + settings.dataDir().resolve("pg_replslot") + " failed: "
          + e.getMessage(), e);
    }
  }

  private SqlSession inDatabase(String database) {
    return new SqlSession(settings.localHost(), settings.port(), database, settings.superuser()).withoutStatementTimeout();
  }

  /**
   * {@code CHECKPOINT} over a separate connection without statement timeout: after a promotion
   * (so pg_control shows the new timeline before peers pg_rewind against us) or before a stop.
   */
  public void checkpoint() throws PostgresException {
    try (SqlSession unlimited = session.withoutStatementTimeout()) {
      unlimited.call("CHECKPOINT", c -> {
        try (Statement st = c.createStatement()) {
          st.execute("CHECKPOINT");
        }
        return null;
      });
    }
  }

  /**
   * Calls {@code onExit} after the postmaster that runs now exits, for any reason (crash, kill -9,
   * our own {@link #stop}): at once for a postmaster our {@link #start()} launched (its launcher is
   * our child), within ~100 ms for one found running (checked in {@code /proc/<pid>/stat}; no
   * process is spawned). The watch is for that one postmaster (pid and start time): arm it again
   * after each {@link #start()}. Arming again for the same postmaster keeps the watch and takes the
   * new callback; arming for another replaces the watch, whose callback then never runs; each watch
   * fires at most once. When no postmaster runs at the time of the call, the callback fires at once
   * (asynchronously). The callback should be quick (e.g. wake the HA loop); its exceptions are logged.
   */
  public void watchPostmaster(Runnable onExit) {
    watch.watch(onExit);
  }

  /** Disarms {@link #watchPostmaster}: the pending callback will not run. */
  public void stopWatchingPostmaster() {
    watch.cancel();
  }

  /**
   * pg_control says the cluster was last a primary: {@code in production}, {@code shut down},
   * {@code in crash recovery}, {@code shutting down}; false for a standby ({@code shut down in
   * recovery}, {@code in archive recovery}). As in Patroni, a standby state whose minimum recovery
   * ending location is {@code 0/0} counts as a primary (see {@link ControlData#wasPrimary()}).
   * Works whether or not PostgreSQL runs; fails on any other state. A data directory with
   * {@code standby.signal} (configured as a standby) or {@code backup_label} (a fresh base backup,
   * whose copied pg_control still says {@code in production}) is not a former primary.
   */
  public boolean wasPrimary() throws PostgresException {
    if (Files.exists(settings.dataDir().resolve("standby.signal"))
        || Files.exists(settings.dataDir().resolve("backup_label"))) {
      return false;
    }
    ControlData data = controlData();
    try {
      return data.wasPrimary();
    } catch (IllegalStateException e) {
      throw new PostgresException(e.getMessage() + " in " + settings.dataDir(), e);
    }
  }

  /**
   * Crash recovery of a primary that did not shut down cleanly (pg_control {@code in production},
   * {@code in crash recovery} or {@code shutting down} while no postmaster runs), so that
   * pg_rewind and pg_controldata see a clean state: removes standby.signal/recovery.signal, then
   * runs {@code postgres --single -D <data> [-c k=v from postmaster.opts] -c archive_mode=on
   * -c archive_command=false template1} with empty stdin (spec §4.1 #9), which leaves the cluster
   * {@code shut down} on its own timeline. Waits up to 10 s for children of a killed postmaster
   * to exit first. No-op for any other state; refused while a postmaster runs. No time limit:
   * interrupt the calling thread to cancel.
   */
  public void crashRecovery() throws PostgresException {
    rewinder.crashRecovery();
  }

  /**
   * Rewinds this (stopped) data directory to follow {@code sourceHost:sourcePort}, which must be
   * a primary. Refused while a postmaster runs (stopping it is the caller's job). Steps:
   * <ol>
   *   <li>asks the source (superuser, JDBC) for its timeline and history, and runs
   *       {@code CHECKPOINT} there when it was just promoted and its pg_control still shows the old
   *       timeline (PostgreSQL 15's pg_rewind would otherwise answer "no rewind required" for a
   *       diverged target); best effort, except for a crashed standby (below);
   *   <li>a primary that did not shut down cleanly gets crash recovery as in {@link #crashRecovery()};
   *   <li>a crashed standby ({@code in archive recovery}) gets crash recovery and a rewind only if
   *       it diverged from the source (newer timeline than the source's, or minimum recovery point
   *       past the source's switch point from its timeline). Otherwise nothing is touched and the
   *       result is {@code rewound=false}: crash recovery would write a checkpoint at the end of its
   *       WAL, making it diverge on the source's own timeline where pg_rewind cannot see it. Refused
   *       when the source cannot be asked or is not a primary;
   *   <li>once cleanly shut down, Patroni's divergence check against the source's timeline history: a former
   *       primary whose shutdown checkpoint record ends exactly where the source's history left its timeline
   *       (a clean switchover), or a standby whose minimum recovery point is not past that point, needs no
   *       rewind: standby.signal is written and the result is {@code rewound=false}. Otherwise, or when the
   *       source could not be asked, pg_rewind runs if {@code usePgRewind} and pg_control allow it, else
   *       this throws with the reason and touches nothing more;
   *   <li>the superuser's pgpass entry for the source first (then the entries last given to
   *       {@link #writePgpass});
   *   <li>{@code pg_rewind -D <data> --source-server "dbname=<database> user=<superuser> host=…
   *       port=… target_session_attrs=read-write"} with {@code PGPASSFILE}, {@code LANG=C},
   *       {@code LC_ALL=C}, {@code PGOPTIONS=-c statement_timeout=0}; no time limit (interrupt
   *       to cancel);
   *   <li>this node's postgresql.conf, postgresql.base.conf, pg_hba.conf and pg_ident.conf are put
   *       back over the copies pg_rewind took from the source (postgresql.auto.conf stays the
   *       source's, as after a clone); on success standby.signal is created and recovery.signal
   *       removed, so even a start without {@link #writeConfig} comes up as a standby.
   * </ol>
   * pg_rewind empties pg_replslot: this node's replication slots are gone afterwards. Follow with
   * {@code writeConfig(parameters, Optional.of(target))} and {@link #start()}.
   *
   * @throws PostgresException with pg_rewind's own message when it fails (e.g. source unreachable);
   *                           a failure after pg_rewind started copying may leave the directory
   *                           unusable: check {@link #controlData()} / re-clone
   */
  public RewindResult rewind(String sourceHost, int sourcePort, boolean usePgRewind) throws PostgresException {
    return rewinder.rewind(sourceHost, sourcePort, usePgRewind);
  }

  /**
   * pg_rewind can work on this data directory: pg_control shows {@code wal_log_hints} on or data
   * checksums enabled, and the pg_rewind binary exists. pg_control records wal_log_hints at start,
   * so a fresh initdb without checksums says false until its first start with wal_log_hints=on.
   */
  public boolean rewindPossible() throws PostgresException {
    return rewinder.rewindPossible();
  }

  /**
   * Removes the contents of the data directory (not the directory itself, which may be a mount
   * point; a symlinked data directory is emptied at its target; symlinks inside, e.g. to a
   * tablespace or WAL directory, are removed without touching what they point to), for a re-clone
   * after a failed rewind. Refused while a postmaster or any other postgres process works in it.
   */
  public void wipeDataDirectory() throws PostgresException {
    rewinder.wipe();
  }

  /** The postgres command line parameters (for tests and for logging the effective start). */
  Map<String, String> commandLine() {
    return server.commandLine();
  }
}
