package io.vigil.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting, stopping and promoting the postmaster.
 *
 * <p>PostgreSQL is started as {@code setsid --wait [runuser -u user --] postgres …}: the postmaster
 * gets its own session, so neither a kill -9 of the agent nor a signal to the agent's process
 * group reaches it, while the launcher process stays our child for as long as the postmaster runs
 * (setsid execs when it may, and {@code --wait} keeps it alive when it must fork). A launcher that
 * exits while we wait for readiness therefore means PostgreSQL gave up (port in use, bad setting),
 * which makes a failed start fail fast instead of running into the start timeout.
 */
final class ServerProcess {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  /** How long each escalation step of a stop waits (SIGQUIT, then SIGKILL). */
  private static final Duration ESCALATION_WAIT = Duration.ofSeconds(10);
  private static final int LOG_TAIL_LINES = 5;
  /** How long a start after a crash waits for the dead postmaster's children to exit. */
  static final Duration LEFTOVER_WAIT = Duration.ofSeconds(5);

  private final PostgresSettings settings;
  private final PgCommand commands;
  private final Postmaster postmaster;
  private final SqlSession session;
  private final PostmasterWatch watch;
  private volatile Map<String, String> startOptions = Map.of();

  ServerProcess(PostgresSettings settings, PgCommand commands, Postmaster postmaster, SqlSession session,
      PostmasterWatch watch) {
    this.settings = settings;
    this.commands = commands;
    this.postmaster = postmaster;
    this.session = session;
    this.watch = watch;
  }

  void setStartOptions(Map<String, String> options) {
    options.forEach(ConfigFiles::validate);
    this.startOptions = Map.copyOf(options);
  }

  /** The postgres command line parameters: caller's options, then the three that always come from the settings. */
  Map<String, String> commandLine() {
    Map<String, String> params = new TreeMap<>(startOptions);
    params.put("listen_addresses", settings.listenHost());
    params.put("port", Integer.toString(settings.port()));
    params.put("cluster_name", settings.scope());
    return params;
  }

  Path startupLog() {
    String safe = settings.memberName().replaceAll("[^A-Za-z0-9._-]", "_");
    return settings.dataDir().getParent().resolve(safe + "-postgres.log");
  }

  void start(Duration timeout) throws PostgresException {
    DataDirectory.requireInitialized(settings.dataDir(), "start PostgreSQL");
    Optional<Postmaster.PidFile> pidFile = postmaster.readPidFile();
    OptionalLong running = postmaster.pid();
    if (running.isPresent()) {
      throw new PostgresException("PostgreSQL is already running in " + settings.dataDir() + " (pid " + running.getAsLong() + ")");
    }
    if (pidFile.isPresent() && !postmaster.awaitNoProcessesInDataDir(LEFTOVER_WAIT)) {
      // a killed postmaster's children still hold its shared memory; postgres will say so
      LOG.warn("processes of a previous postmaster still run in {}: {}", settings.dataDir(), postmaster.processesInDataDir());
    }
    List<String> args = new ArrayList<>(List.of("-D", settings.dataDir().toString(),
        "--config-file=" + settings.dataDir().resolve("postgresql.conf")));
    commandLine().forEach((name, value) -> args.add("--" + name + "=" + value));
    List<String> argv = new ArrayList<>(List.of(PgCommand.system("setsid"), "--wait"));
    argv.addAll(commands.argv("postgres", args));

    Path log = startupLog();
    long logOffset;
    Process launcher;
    try {
      logOffset = Files.exists(log) ? Files.size(log) : 0;
      Map<String, String> env = new TreeMap<>();
      // postmaster.pid naming a live process that is not our postmaster (pid reuse after a crash):
      // PostgreSQL would refuse to start; declaring that pid "family" lets it proceed, and its
      // shared-memory check (orphaned backends still attached) still runs
      pidFile.filter(f -> Postmaster.isAlive(f.pid()))
          .ifPresent(f -> env.put("PG_GRANDPARENT_PID", Long.toString(f.pid())));
      ProcessBuilder builder = ProcessRunner.builder(argv, env)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      session.close();
      LOG.info("starting PostgreSQL in {} on port {} (log {})", settings.dataDir(), settings.port(), log);
      launcher = ProcessRunner.startOrFail(builder, argv);
    } catch (IOException e) {
      throw new PostgresException("cannot start PostgreSQL: " + e.getMessage(), e);
    }
    try {
      awaitStarted(launcher, log, logOffset, timeout);
    } finally {
      // also when it is left starting: the postmaster that runs is the launcher's
      OptionalLong pid = postmaster.pid();
      if (pid.isPresent() && launcher.isAlive()) {
        watch.launched(new PostmasterWatch.Launch(launcher, pid.getAsLong(), Postmaster.startTime(pid.getAsLong())));
      }
    }
  }

  /** Ready = the pid file says ready/standby (as {@code pg_ctl -w} decides) and pg_isready agrees over TCP. */
  private void awaitStarted(Process launcher, Path log, long logOffset, Duration timeout) throws PostgresException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (postmaster.reportsReady() && isReady()) {
        LOG.info("PostgreSQL is accepting connections (pid {})", postmaster.pid().orElse(-1));
        return;
      }
      if (!launcher.isAlive()) {
        throw new PostgresException("postgres exited with code " + launcher.exitValue() + " while starting: "
            + logTail(log, logOffset));
      }
      if (System.nanoTime() > deadline) {
        throw new PostgresException("PostgreSQL did not accept connections within "
            + timeout.toSeconds() + " s and is left starting: " + logTail(log, logOffset));
      }
      Pause.poll("waiting for PostgreSQL to start");
    }
  }

  boolean isReady() {
    try {
      return commands.run("pg_isready", List.of("-h", settings.localHost(), "-p", Integer.toString(settings.port()),
          "-d", settings.database(), "-U", settings.superuser().username(), "-t", "3"), Map.of(), COMMAND_TIMEOUT).ok();
    } catch (PostgresException e) {
      LOG.debug("pg_isready could not run: {}", e.getMessage());
      return false;
    }
  }

  void stop(StopMode mode, Duration timeout) throws PostgresException {
    // our own session would hold off a smart shutdown for the full timeout
    session.close();
    OptionalLong found = postmaster.pid();
    if (found.isEmpty()) {
      LOG.debug("stop: PostgreSQL is not running in {}", settings.dataDir());
      return;
    }
    long pid = found.getAsLong();
    String modeName = mode.name().toLowerCase(Locale.ROOT);
    LOG.info("stopping PostgreSQL (pid {}) in {} mode", pid, modeName);
    Postmaster.signal(pid, mode.signal());
    if (awaitExit(pid, timeout)) {
      return;
    }
    if (mode != StopMode.IMMEDIATE) {
      LOG.warn("PostgreSQL (pid {}) did not stop within {} ms in {} mode; stopping it in immediate mode",
          pid, timeout.toMillis(), modeName);
      Postmaster.signal(pid, StopMode.IMMEDIATE.signal());
      if (awaitExit(pid, ESCALATION_WAIT)) {
        return;
      }
    }
    LOG.warn("PostgreSQL (pid {}) ignored an immediate stop; killing it and its children", pid);
    Postmaster.killWithChildren(pid);
    if (!awaitExit(pid, ESCALATION_WAIT)) {
      throw new PostgresException("postmaster " + pid + " is still alive after SIGKILL");
    }
  }

  /** The postmaster exits only after all its children did, so its exit means the instance is gone. */
  private static boolean awaitExit(long pid, Duration timeout) throws PostgresException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (Postmaster.isAlive(pid)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Pause.poll("waiting for PostgreSQL to stop");
    }
    return true;
  }

  void promote() throws PostgresException {
    if (postmaster.pid().isEmpty()) {
      throw new PostgresException("cannot promote: PostgreSQL is not running in " + settings.dataDir());
    }
    LOG.info("promoting PostgreSQL in {}", settings.dataDir());
    commands.runOk("pg_ctl", List.of("promote", "-D", settings.dataDir().toString(), "-W"), Map.of(), COMMAND_TIMEOUT);
    awaitEndOfRecovery(settings.startTimeout(), "after pg_ctl promote");
  }

  /** Waits until {@code pg_is_in_recovery()} is false; fails at once when the postmaster goes away. */
  void awaitEndOfRecovery(Duration timeout, String when) throws PostgresException {
    long deadline = System.nanoTime() + timeout.toNanos();
    PostgresException last = null;
    while (System.nanoTime() <= deadline) {
      try {
        if (!inRecovery()) {
          return;
        }
      } catch (PostgresException e) {
        last = e;
      }
      if (postmaster.pid().isEmpty()) {
        throw new PostgresException("PostgreSQL stopped while in recovery " + when + "; see " + startupLog());
      }
      Pause.poll("waiting for the end of recovery");
    }
    throw new PostgresException("PostgreSQL was still in recovery " + timeout.toSeconds() + " s " + when
        + (last == null ? "" : ": " + last.getMessage()));
  }

  void reload() throws PostgresException {
    commands.runOk("pg_ctl", List.of("reload", "-D", settings.dataDir().toString()), Map.of(), COMMAND_TIMEOUT);
  }

  private boolean inRecovery() throws PostgresException {
    return session.call("pg_is_in_recovery()", c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_is_in_recovery()")) {
        rs.next();
        return rs.getBoolean(1);
      }
    });
  }

  private static String logTail(Path log, long offset) {
    try {
      String tail = ProcessRunner.tail(ProcessRunner.readFrom(log, offset), LOG_TAIL_LINES);
      return tail.isEmpty() ? "(nothing in " + log + ")" : tail;
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
