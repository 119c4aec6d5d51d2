package io.vigil.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bringing a stopped data directory in line with a new primary (spec §3.6, §3.9): single-user
 * crash recovery, pg_rewind, and emptying the directory for a fresh clone.
 */
final class Rewinder {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);

  /**
   * Files that describe this node rather than the cluster. pg_rewind copies the source's versions
   * (with the source's hba_file/ident_file paths and settings); ours are put back afterwards.
   */
  static final List<String> LOCAL_CONFIG_FILES =
      List.of("postgresql.conf", ConfigFiles.BASE_CONF, "pg_hba.conf", "pg_ident.conf");
  /** pg_rewind's message (LANG=C) when the target never went past the point where the source forked. */
  static final String NO_REWIND_REQUIRED = "no rewind required";
  private static final int OUTPUT_LINES = 10;
  /** How long crash recovery waits for the children of a killed postmaster to exit. */
  private static final Duration LEFTOVER_WAIT = Duration.ofSeconds(10);
  /** One argument of postmaster.opts: PostgreSQL writes each as {@code "arg"}, unescaped. */
  private static final Pattern OPTS_ARGUMENT = Pattern.compile("\"([^\"]*)\"");
  /** Reading two WAL records takes milliseconds; this only bounds a hung tool. */
  private static final Duration WALDUMP_TIMEOUT = Duration.ofSeconds(30);
  /** Is the source a primary, which timeline does it write, which one does its pg_control show? */
  private static final String SOURCE_TIMELINES = """
      SELECT pg_catalog.pg_is_in_recovery(),
        CASE WHEN pg_catalog.pg_is_in_recovery() THEN 0
          ELSE ('x' || pg_catalog.substr(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8))::bit(32)::int END,
        (pg_catalog.pg_control_checkpoint()).timeline_id""";

  /** Reads pg_control of the local data directory. */
  @FunctionalInterface
  interface ControlReader {
    ControlData read() throws PostgresException;
  }

  private final PostgresSettings settings;
  private final PgCommand commands;
  private final OwnedFiles files;
  private final ConfigWriter config;
  private final Postmaster postmaster;
  private final ControlReader control;

  Rewinder(PostgresSettings settings, PgCommand commands, OwnedFiles files, ConfigWriter config,
      Postmaster postmaster, ControlReader control) {
    this.settings = settings;
    this.commands = commands;
    this.files = files;
    this.config = config;
    this.postmaster = postmaster;
    this.control = control;
  }

  boolean rewindPossible() throws PostgresException {
    ControlData data = control.read();
    return (data.walLogHints() || data.dataChecksums()) && commands.find("pg_rewind").isPresent();
  }

  void crashRecovery() throws PostgresException {
    DataDirectory.requireInitialized(settings.dataDir(), "run crash recovery");
    refuseWhileRunning("crash recovery");
    ControlData data = control.read();
    if (!data.uncleanPrimaryShutdown()) {
      LOG.debug("no crash recovery needed in {}: cluster state '{}'", settings.dataDir(), data.clusterState());
      return;
    }
    singleUserRecovery(data.clusterState());
  }

  LocalPostgres.RewindResult rewind(String sourceHost, int sourcePort, boolean usePgRewind) throws PostgresException {
    Path dir = settings.dataDir();
    DataDirectory.requireInitialized(dir, "run pg_rewind");
    refuseWhileRunning("pg_rewind");
    ControlData data = control.read();
    String state = data.clusterState();
    Optional<SourceState> source = inspectSource(sourceHost, sourcePort);
    String sourceName = sourceHost + ":" + sourcePort;
    if (state.equals(ControlData.STATE_IN_ARCHIVE_RECOVERY) && !data.wasPrimary()) {
      // pg_rewind wants a cleanly shut down target, and crash recovery of a standby writes a checkpoint
      // at the end of its WAL: harmless only when it went past the source's fork anyway (spec §3.9)
      Optional<String> keep = crashedStandbyNeedsNoRewind(data, source, sourceHost, sourcePort);
      if (keep.isPresent()) {
        markStandby();
        LOG.info("{}", keep.get());
        return new LocalPostgres.RewindResult(false, keep.get());
      }
      requirePgRewind(usePgRewind, data, "the crashed standby in " + dir + " diverged from " + sourceName);
      singleUserRecovery(state);
      data = control.read();
    } else if (data.uncleanPrimaryShutdown() || state.equals(ControlData.STATE_IN_ARCHIVE_RECOVERY)) {
      singleUserRecovery(state);
      data = control.read();
    }
    String divergence;
    if (source.isPresent() && !source.get().inRecovery()) {
      Verdict verdict = compare(data, source.get(), sourceName);
      if (!verdict.diverged()) {
        markStandby();
        String message = verdict.reason() + ": " + NO_REWIND_REQUIRED;
        LOG.info("{}", message);
        return new LocalPostgres.RewindResult(false, message);
      }
      divergence = verdict.reason();
    } else {
      // pg_rewind finds out itself; without it this node must wait until the source can be asked
      divergence = "whether " + dir + " diverged from " + sourceName + " is unknown: "
          + (source.isEmpty() ? "could not connect to it" : "it is not a primary");
    }
    requirePgRewind(usePgRewind, data, divergence);
    config.writeSourcePgpass(sourceHost, sourcePort, settings.superuser());

    String dsn = Conninfo.rewindDsn(settings.database(), settings.superuser(), sourceHost, sourcePort);
    Map<String, String> env = Map.of("PGPASSFILE", settings.pgpass().toString(), "LANG", "C", "LC_ALL", "C",
        "PGOPTIONS", "-c statement_timeout=0");
    Map<String, Optional<SavedFile>> localConfig = saveLocalConfig();
    LOG.info("running pg_rewind in {} from {}", dir, dsn);
    ProcessRunner.Result result;
    try {
      // no timeout: a large rewind legitimately takes long; the caller cancels by interrupting
      result = commands.run("pg_rewind", List.of("-D", dir.toString(), "--source-server", dsn), env, null);
    } finally {
      restoreLocalConfig(localConfig);
    }
    String output = lastLines(result.stdout() + "\n" + result.stderr());
    if (!result.ok()) {
      LOG.warn("pg_rewind from {}:{} failed:\n{}", sourceHost, sourcePort, output);
      throw new PostgresException(result.failure());
    }
    boolean rewound = !(result.stdout() + result.stderr()).contains(NO_REWIND_REQUIRED);
    if (rewound) {
      flushSourceWal(sourceHost, sourcePort);
    }
    markStandby();
    LOG.info("pg_rewind from {}:{} {}", sourceHost, sourcePort, rewound ? "rewound " + dir : "found no rewind required");
    return new LocalPostgres.RewindResult(rewound, output);
  }

  /** Whether this node left the source's history, and why, in an operator's words. */
  private record Verdict(boolean diverged, String reason) {}

  /**
   * Patroni's divergence check (spec §3.9 step 3) on a cleanly shut down data directory: a former primary by its
   * shutdown checkpoint, a standby by its minimum recovery point.
   */
  private Verdict compare(ControlData data, SourceState source, String sourceName) {
    String where = " (timeline " + source.timeline() + ")";
    if (data.wasPrimary()) {
      int timeline = data.latestCheckpointTimeline();
      long checkpoint = data.latestCheckpointLsn();
      boolean diverged = primaryDiverged(timeline, checkpoint, source.timeline(), source.history(),
          () -> checkpointEnd(timeline, checkpoint));
      return new Verdict(diverged, "former primary " + settings.dataDir() + " (timeline " + timeline
          + ", shutdown checkpoint at " + new Lsn(checkpoint) + ") " + (diverged ? "diverged from " : "has not diverged from ")
          + sourceName + where);
    }
    int timeline = data.minRecoveryEndingTimeline();
    long lsn = data.minRecoveryEndingLsn();
    boolean diverged = standbyDiverged(timeline, lsn, source.timeline(), source.history());
    return new Verdict(diverged, "standby " + settings.dataDir() + " (timeline " + timeline + ", minimum recovery point "
        + new Lsn(lsn) + ") " + (diverged ? "diverged from " : "has not diverged from ") + sourceName + where);
  }

  /**
   * A former primary follows the source without a rewind only if the source's history left its timeline exactly
   * where its shutdown checkpoint record ends: the source replayed everything it wrote, checkpoint included (a
   * clean switchover). Same timeline as the source: nothing to compare, as Patroni decides.
   */
  static boolean primaryDiverged(int localTimeline, long checkpointLsn, int sourceTimeline, String sourceHistory,
      Supplier<OptionalLong> checkpointEnd) {
    if (localTimeline == sourceTimeline) {
      return false;
    }
    if (localTimeline > sourceTimeline) {
      return true;
    }
    OptionalLong switchPoint = switchPoint(sourceHistory, localTimeline);
    if (switchPoint.isEmpty() || Long.compareUnsigned(checkpointLsn, switchPoint.getAsLong()) >= 0) {
      return true;
    }
    OptionalLong end = checkpointEnd.get();
    return end.isEmpty() || end.getAsLong() != switchPoint.getAsLong();
  }

  /**
   * Where the checkpoint record at {@code lsn} ends. Its size depends on the version and platform, so pg_waldump
   * reads two records from there: after a shutdown checkpoint the second read fails and names the position where
   * the next record would start (Patroni does the same). Empty when pg_waldump says anything else.
   */
  private OptionalLong checkpointEnd(int timeline, long lsn) {
    if (commands.find("pg_waldump").isEmpty()) {
      LOG.warn("pg_waldump not found: cannot tell where the shutdown checkpoint ends");
      return OptionalLong.empty();
    }
    try {
      ProcessRunner.Result r = commands.run("pg_waldump", List.of("-p", settings.dataDir().resolve("pg_wal").toString(),
          "-t", Integer.toString(timeline), "-s", new Lsn(lsn).toString(), "-n", "2"),
          Map.of("LANG", "C", "LC_ALL", "C"), WALDUMP_TIMEOUT);
      OptionalLong end = checkpointEnd(r.stdout(), r.stderr(), lsn);
      if (end.isEmpty()) {
        LOG.warn("cannot tell where the checkpoint at {} ends from pg_waldump's output:\n{}", new Lsn(lsn),
            lastLines(r.stdout() + "\n" + r.stderr()));
      }
      return end;
    } catch (PostgresException e) {
      LOG.warn("pg_waldump failed: {}", e.getMessage());
      return OptionalLong.empty();
    }
  }

  /** The end of the record at {@code lsn} from pg_waldump's output: one record, then "invalid record length at X/Y". */
  static OptionalLong checkpointEnd(String stdout, String stderr, long lsn) {
    List<String> records = stdout.lines().filter(l -> !l.isBlank()).toList();
    String padded = String.format(Locale.ROOT, "%X/%08X", lsn >>> 32, lsn & 0xFFFF_FFFFL);
    if (records.size() != 1 || !records.get(0).contains(", lsn: " + padded + ", prev ")) {
      return OptionalLong.empty();
    }
    Matcher m = Pattern.compile("error in WAL record at " + Pattern.quote(new Lsn(lsn).toString())
        + ": invalid record length at ([0-9A-Fa-f]+/[0-9A-Fa-f]+):").matcher(stderr);
    return m.find() ? OptionalLong.of(Lsn.parse(m.group(1)).value()) : OptionalLong.empty();
  }

  /** pg_rewind is the way back onto the source's history: refuses with the reason when it may not or cannot run. */
  private void requirePgRewind(boolean usePgRewind, ControlData data, String divergence) throws PostgresException {
    if (!usePgRewind) {
      throw new PostgresException(divergence + "; pg_rewind is not allowed (use_pg_rewind is off)");
    }
    if (commands.find("pg_rewind").isEmpty()) {
      throw new PostgresException(divergence + "; pg_rewind not found in "
          + settings.binDir().map(Path::toString).orElse("PATH"));
    }
    if (!data.walLogHints() && !data.dataChecksums()) {
      throw new PostgresException(divergence + "; pg_rewind is not possible in " + settings.dataDir()
          + ": pg_control shows neither wal_log_hints=on nor data checksums");
    }
  }

  void wipe() throws PostgresException {
    Path dir = settings.dataDir();
    refuseWhileRunning("removing the contents of the data directory");
    List<Long> left = postmaster.processesInDataDir();
    if (!left.isEmpty()) {
      throw new PostgresException("removing the contents of " + dir + " refused: postgres processes " + left
          + " still work in it");
    }
    if (Files.notExists(dir)) {
      return;
    }
    try {
      Path real = dir.toRealPath();
      LOG.warn("removing the contents of data directory {}", dir);
      OwnedFiles.deleteContents(real);
    } catch (IOException e) {
      throw new PostgresException("cannot empty data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code postgres --single -D <data> [-c k=v from postmaster.opts] -c archive_mode=on
   * -c archive_command=false template1} with stdin from /dev/null (spec §4.1 #9): replays the WAL,
   * writes a shutdown checkpoint and exits, leaving pg_control at {@code shut down}. Archiving
   * "on" with a failing command keeps the WAL it finishes marked .ready for a later archiver.
   */
  private void singleUserRecovery(String state) throws PostgresException {
    Path dir = settings.dataDir();
    LOG.warn("{} was not shut down cleanly (cluster state '{}'): running crash recovery in single-user mode", dir, state);
    if (!postmaster.awaitNoProcessesInDataDir(LEFTOVER_WAIT)) {
      throw new PostgresException("cannot run crash recovery in " + dir + ": processes of the previous postmaster "
          + postmaster.processesInDataDir() + " are still running");
    }
    // "standby mode is not supported by single-user servers"; the caller writes the recovery config it wants next
    removeSignalFiles();
    List<String> args = new ArrayList<>(List.of("--single", "-D", dir.toString()));
    singleUserOptions().forEach((name, value) -> {
      args.add("-c");
      args.add(name + "=" + value);
    });
    args.add("template1");
    Map<String, String> env = new TreeMap<>();
    // a stale postmaster.pid whose pid now belongs to another process would stop postgres ("lock file exists")
    postmaster.readPidFile().filter(f -> Postmaster.isAlive(f.pid()))
        .ifPresent(f -> env.put("PG_GRANDPARENT_PID", Long.toString(f.pid())));
    ProcessRunner.Result result = commands.run("postgres", args, env, null);
    if (!result.ok()) {
      throw new PostgresException("crash recovery in single-user mode failed: " + result.failure());
    }
    String after = control.read().clusterState();
    if (!after.equals(ControlData.STATE_SHUT_DOWN)) {
      throw new PostgresException("crash recovery in single-user mode left " + dir + " in state '" + after + "': "
          + result.outputTail(3));
    }
    LOG.info("crash recovery in {} finished: cluster state '{}'", dir, after);
  }

  /** The {@code --name=value} options of the last start (postmaster.opts), then archiving forced on with a failing command. */
  private Map<String, String> singleUserOptions() {
    Map<String, String> options = new TreeMap<>();
    Path opts = settings.dataDir().resolve("postmaster.opts");
    try {
      if (Files.isRegularFile(opts)) {
        options.putAll(parsePostmasterOpts(Files.readString(opts)));
      }
    } catch (IOException e) {
      LOG.warn("cannot read {}: {}", opts, e.getMessage());
    }
    options.put("archive_mode", "on");
    options.put("archive_command", "false");
    return options;
  }

  /** {@code --name=value} arguments of postmaster.opts, dashes in names turned into underscores ({@code config-file} → {@code config_file}). */
  static Map<String, String> parsePostmasterOpts(String text) {
    Map<String, String> options = new LinkedHashMap<>();
    Matcher m = OPTS_ARGUMENT.matcher(text);
    while (m.find()) {
      String arg = m.group(1);
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 3) {
        continue;
      }
      String name = arg.substring(2, eq).replace('-', '_');
      String value = arg.substring(eq + 1);
      try {
        ConfigFiles.validate(name, value);
        options.put(name, value);
      } catch (IllegalArgumentException e) {
        LOG.warn("ignoring postmaster.opts argument {}: {}", arg, e.getMessage());
      }
    }
    return options;
  }

  /**
   * What the source told us: whether it is in recovery, the timeline it writes (0 in recovery) and
   * that timeline's history file ({@code ""} on timeline 1).
   */
  record SourceState(boolean inRecovery, int timeline, String history) {}

  /**
   * pg_rewind sets the target's minimum recovery point to the source's WAL insert position, and a standby
   * opens only once it has replayed that far. On an idle source the last record may sit unflushed on a
   * partial WAL page, which a walsender does not send: the rewound node would wait (a minute or more) for
   * the source's next flush. A transaction with an xid commits with a flushed COMMIT record past that point.
   * Best effort: without it the node still catches up at the source's next write.
   */
  private void flushSourceWal(String host, int port) {
    try (SqlSession session = new SqlSession(host, port, settings.database(), settings.superuser())) {
      session.call("WAL flush on the pg_rewind source", c -> {
        try (Statement st = c.createStatement()) {
          st.execute("SELECT pg_catalog.txid_current()");
        }
        return null;
      });
    } catch (PostgresException | RuntimeException e) {
      LOG.info("could not make the pg_rewind source {}:{} flush its WAL ({}); this node opens at its next write",
          host, port, e.getMessage());
    }
  }

  /**
   * Asks the source (superuser, no statement timeout) for its timeline and history, and runs
   * {@code CHECKPOINT} there when it was just promoted: pg_rewind (PostgreSQL 15) takes the source's
   * timeline from the checkpoint in its pg_control, which a promoted primary updates only with its
   * first checkpoint (spread, it may take minutes); until then pg_rewind sees the old timeline and
   * wrongly answers "no rewind required". Patroni waits for that checkpoint or runs it (spec §3.9).
   * Empty when the source cannot be asked; pg_rewind then reports the problem itself.
   */
  private Optional<SourceState> inspectSource(String host, int port) {
    SqlSession session = new SqlSession(host, port, settings.database(), settings.superuser()).withoutStatementTimeout();
    try (session) {
      return Optional.of(session.call("pg_rewind source check", c -> {
        boolean inRecovery;
        int current;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(SOURCE_TIMELINES)) {
          rs.next();
          inRecovery = rs.getBoolean(1);
          current = rs.getInt(2);
          int checkpoint = rs.getInt(3);
          if (inRecovery) {
            LOG.warn("pg_rewind source {}:{} is in recovery, not a primary", host, port);
          } else if (checkpoint < current) {
            LOG.info("pg_rewind source {}:{} writes timeline {} but its last checkpoint is on timeline {}: running CHECKPOINT there",
                host, port, current, checkpoint);
            st.execute("CHECKPOINT");
          }
        }
        String history = "";
        if (!inRecovery && current > 1) {
          try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_read_file(?)")) {
            ps.setString(1, String.format(Locale.ROOT, "pg_wal/%08X.history", current));
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              history = rs.getString(1);
            }
          }
        }
        return new SourceState(inRecovery, current, history);
      }));
    } catch (PostgresException e) {
      LOG.warn("cannot ask pg_rewind source {}:{} for its timeline: {}", host, port, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * A message when a crashed standby has not diverged from the source, which means no crash
   * recovery (its end-of-recovery checkpoint would make it diverge, and pg_rewind would not notice
   * on the same timeline) and no rewind: started as a standby it recovers and follows. Empty when
   * it diverged (Patroni's rule for replicas: a newer timeline than the source's, or a minimum
   * recovery point past where the source's history left its timeline).
   *
   * @throws PostgresException when the source could not be asked or is not a primary: nothing is touched then
   */
  private Optional<String> crashedStandbyNeedsNoRewind(ControlData data, Optional<SourceState> source,
      String host, int port) throws PostgresException {
    if (source.isEmpty() || source.get().inRecovery()) {
      throw new PostgresException("pg_rewind of the crashed standby in " + settings.dataDir() + " refused: source "
          + host + ":" + port + (source.isEmpty() ? " could not be asked for its timeline" : " is not a primary")
          + ", so whether this standby diverged is unknown");
    }
    int localTimeline = data.minRecoveryEndingTimeline();
    long localLsn = data.minRecoveryEndingLsn();
    SourceState s = source.get();
    if (standbyDiverged(localTimeline, localLsn, s.timeline(), s.history())) {
      return Optional.empty();
    }
    return Optional.of("crashed standby in " + settings.dataDir() + " (timeline " + localTimeline + ", minimum recovery point "
        + new Lsn(localLsn) + ") has not diverged from " + host + ":" + port + " (timeline " + s.timeline()
        + "): no rewind required; start it as a standby");
  }

  /** Whether a standby at {@code localLsn} on {@code localTimeline} went past the source's history (spec §3.9 step 3). */
  static boolean standbyDiverged(int localTimeline, long localLsn, int sourceTimeline, String sourceHistory) {
    if (localTimeline == sourceTimeline) {
      return false;
    }
    if (localTimeline > sourceTimeline) {
      return true;
    }
    OptionalLong switchPoint = switchPoint(sourceHistory, localTimeline);
    return switchPoint.isEmpty() || Long.compareUnsigned(localLsn, switchPoint.getAsLong()) > 0;
  }

  /** Where {@code timeline} ended according to a timeline history file ({@code parentTLI switchpoint reason} lines). */
  static OptionalLong switchPoint(String history, int timeline) {
    for (String line : history.split("\\R")) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length < 2 || fields[0].startsWith("#")) {
        continue;
      }
      try {
        if (Integer.parseInt(fields[0]) == timeline) {
          return OptionalLong.of(Lsn.parse(fields[1]).value());
        }
      } catch (IllegalArgumentException e) {
        // not a history line
      }
    }
    return OptionalLong.empty();
  }

  private record SavedFile(byte[] content, Set<PosixFilePermission> permissions) {}

  private Map<String, Optional<SavedFile>> saveLocalConfig() throws PostgresException {
    Map<String, Optional<SavedFile>> saved = new LinkedHashMap<>();
    for (String name : LOCAL_CONFIG_FILES) {
      Path file = settings.dataDir().resolve(name);
      try {
        saved.put(name, Files.isRegularFile(file)
            ? Optional.of(new SavedFile(Files.readAllBytes(file), Files.getPosixFilePermissions(file)))
            : Optional.empty());
      } catch (IOException e) {
        throw new PostgresException("cannot read " + file + " before pg_rewind: " + e.getMessage(), e);
      }
    }
    return saved;
  }

  /** Puts back this node's own files over the source's copies, and removes copies of files this node did not have. */
  private void restoreLocalConfig(Map<String, Optional<SavedFile>> saved) throws PostgresException {
    List<String> restored = new ArrayList<>();
    for (Map.Entry<String, Optional<SavedFile>> entry : saved.entrySet()) {
      Path file = settings.dataDir().resolve(entry.getKey());
      try {
        if (entry.getValue().isPresent()) {
          SavedFile mine = entry.getValue().get();
          if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), mine.content())) {
            files.write(file, mine.content(), mine.permissions());
            restored.add(entry.getKey());
          }
        } else if (Files.deleteIfExists(file)) {
          restored.add("-" + entry.getKey());
        }
      } catch (IOException e) {
        throw new PostgresException("cannot restore " + file + " after pg_rewind: " + e.getMessage(), e);
      }
    }
    if (!restored.isEmpty()) {
      LOG.info("kept this node's configuration files instead of the pg_rewind source's: {}", restored);
    }
  }

  /** After a rewind the node follows the source: a plain start must not bring it up as a primary. */
  private void markStandby() throws PostgresException {
    Path dir = settings.dataDir();
    try {
      files.write(dir.resolve("standby.signal"), "", OwnedFiles.OWNER_ONLY_FILE);
      Files.deleteIfExists(dir.resolve("recovery.signal"));
    } catch (IOException e) {
      throw new PostgresException("cannot write standby.signal in " + dir + ": " + e.getMessage(), e);
    }
  }

  private void removeSignalFiles() throws PostgresException {
    for (String name : List.of("standby.signal", "recovery.signal")) {
      Path file = settings.dataDir().resolve(name);
      try {
        if (Files.deleteIfExists(file)) {
          LOG.info("removed {} for crash recovery", file);
        }
      } catch (IOException e) {
        throw new PostgresException("cannot remove " + file + ": " + e.getMessage(), e);
      }
    }
  }

  private void refuseWhileRunning(String what) throws PostgresException {
    OptionalLong running = postmaster.pid();
    if (running.isPresent()) {
      throw new PostgresException(what + " refused: PostgreSQL (pid " + running.getAsLong() + ") is running in "
          + settings.dataDir());
    }
  }

  static String lastLines(String text) {
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\\R")));
    lines.removeIf(String::isBlank);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - OUTPUT_LINES), lines.size()));
  }
}
