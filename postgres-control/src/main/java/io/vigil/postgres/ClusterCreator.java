package io.vigil.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fills a data directory: a new cluster with initdb, or a copy of another member with pg_basebackup (spec §3.8, §3.9). */
final class ClusterCreator {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);

  /** Options that would defeat what the agent relies on: where the cluster goes, durable writes, its password file. */
  private static final Set<String> FORBIDDEN_INITDB_OPTIONS =
      Set.of("pgdata", "D", "nosync", "no-sync", "N", "pwfile", "sync-only", "S", "version", "V");
  /** Options that would change where or how the copy is written, or whom pg_basebackup connects to. */
  private static final Set<String> FORBIDDEN_BASEBACKUP_OPTIONS = Set.of(
      "pgdata", "D", "format", "F", "wal-method", "xlog-method", "X", "gzip", "z", "version", "V",
      "compress", "Z", "dbname", "d", "host", "h", "port", "p", "username", "U", "password", "W", "w");
  private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration BASEBACKUP_RETRY_DELAY = Duration.ofSeconds(5);
  private static final int BASEBACKUP_ATTEMPTS = 2;

  private final PostgresSettings settings;
  private final PgCommand commands;
  private final OwnedFiles files;
  private final ConfigWriter config;
  private final Postmaster postmaster;

  ClusterCreator(PostgresSettings settings, PgCommand commands, OwnedFiles files, ConfigWriter config,
      Postmaster postmaster) {
    this.settings = settings;
    this.commands = commands;
    this.files = files;
    this.config = config;
    this.postmaster = postmaster;
  }

  void initdb(List<String> options) throws PostgresException {
    Path dataDir = settings.dataDir();
    DataDirectory state = DataDirectory.of(dataDir);
    if (state != DataDirectory.MISSING_OR_EMPTY) {
      throw new PostgresException("initdb refused: data directory " + dataDir + " is " + state.description());
    }
    checkOptions("initdb", options, FORBIDDEN_INITDB_OPTIONS);
    Path pwfile = null;
    try {
      files.createDirectory(dataDir, OwnedFiles.OWNER_ONLY_DIR);
      List<String> args = new ArrayList<>(List.of("-D", dataDir.toString()));
      args.addAll(options);
      args.add("--username=" + settings.superuser().username());
      if (settings.superuser().hasPassword()) {
        // next to the data directory rather than in /tmp: that parent is known to be reachable by the run-as user
        pwfile = Files.createTempFile(dataDir.getParent(), ".vigil-pwfile-", "",
            PosixFilePermissions.asFileAttribute(OwnedFiles.OWNER_ONLY_FILE));
        Files.writeString(pwfile, settings.superuser().password());
        files.chown(pwfile);
        args.add("--pwfile=" + pwfile);
      }
      LOG.info("initializing a new cluster in {}", dataDir);
      commands.runOk("initdb", args, Map.of(), INITDB_TIMEOUT);
    } catch (IOException e) {
      throw new PostgresException("initdb in " + dataDir + " failed: " + e.getMessage(), e);
    } finally {
      deleteQuietly(pwfile);
    }
  }

  void basebackup(String sourceHost, int sourcePort, List<String> options) throws PostgresException {
    checkOptions("pg_basebackup", options, FORBIDDEN_BASEBACKUP_OPTIONS);
    OptionalLong running = postmaster.pid();
    if (running.isPresent()) {
      throw new PostgresException("pg_basebackup refused: PostgreSQL (pid " + running.getAsLong()
          + ") is running in " + settings.dataDir());
    }
    Credentials replication = settings.replication();
    config.writeUpstreamPgpass(sourceHost, sourcePort);
    List<String> args = new ArrayList<>(List.of("--pgdata=" + settings.dataDir(), "-X", "stream",
        "--dbname=" + Conninfo.dsn(settings.database(), replication, sourceHost, sourcePort)));
    args.addAll(options);
    Map<String, String> env = Map.of("PGPASSFILE", settings.pgpass().toString());
    String lastFailure = "";
    for (int attempt = 1; attempt <= BASEBACKUP_ATTEMPTS; attempt++) {
      emptyDataDirectory();
      LOG.info("cloning {} from {}:{} with pg_basebackup (attempt {})", settings.dataDir(), sourceHost, sourcePort, attempt);
      // no timeout: copying a large cluster legitimately takes hours; the caller cancels by interrupting
      ProcessRunner.Result result = commands.run("pg_basebackup", args, env, null);
      if (result.ok()) {
        return;
      }
      lastFailure = result.failure();
      LOG.warn("pg_basebackup from {}:{} failed: {}", sourceHost, sourcePort, lastFailure);
      if (attempt < BASEBACKUP_ATTEMPTS) {
        Pause.sleep(BASEBACKUP_RETRY_DELAY, "waiting to retry pg_basebackup");
      }
    }
    emptyDataDirectory();
    throw new PostgresException("pg_basebackup from " + sourceHost + ":" + sourcePort + " failed "
        + BASEBACKUP_ATTEMPTS + " times: " + lastFailure);
  }

  /**
   * Runs a script that fills the data directory (a replica creation method, spec §3.9, or a custom bootstrap,
   * §3.8) as the run-as user with {@code PGPASSFILE}, after writing the
   * replication role's pgpass entry for the source (when there is one). A script that fails, runs past
   * {@code timeout} or leaves no cluster behind has its leftovers moved aside, never deleted: they may be all that
   * is left of a restore an operator wants to look at.
   */
  void runFillScript(String method, List<String> argv, boolean keepData, Optional<String> sourceHost,
      int sourcePort, Duration timeout) throws PostgresException {
    OptionalLong running = postmaster.pid();
    if (running.isPresent()) {
      throw new PostgresException(method + " refused: PostgreSQL (pid " + running.getAsLong()
          + ") is running in " + settings.dataDir());
    }
    if (sourceHost.isPresent()) {
      config.writeUpstreamPgpass(sourceHost.get(), sourcePort);
    }
    if (keepData) {
      ensureDataDirectory();
    } else {
      emptyDataDirectory();
    }
    LOG.info("filling {} with method {} ({})", settings.dataDir(), method, Path.of(argv.get(0)).getFileName());
    String failure;
    try {
      ProcessRunner.Result result = ProcessRunner.run(commands.asRunAsUser(argv),
          Map.of("PGPASSFILE", settings.pgpass().toString()), timeout);
      if (!result.ok()) {
        failure = "exit code " + result.exitCode() + (result.outputTail(3).isEmpty() ? "" : ": " + result.outputTail(3));
      } else if (DataDirectory.of(settings.dataDir()) != DataDirectory.INITIALIZED) {
        failure = "exit code 0, but " + settings.dataDir() + " holds no cluster (PG_VERSION and global/pg_control)";
      } else {
        return;
      }
    } catch (PostgresException e) {
      failure = e.getMessage(); // could not start, timed out or interrupted: the process tree is gone already
    }
    throw new PostgresException(failure + "; " + keepLeftovers(method));
  }

  /**
   * What a failed script left goes to {@code <data_dir>.failed-<method>-<UTC timestamp>}: the whole directory when
   * it can be renamed, else (a mount point) its contents into that new directory. Only the first failure of a
   * method is kept that way: a method that fails at every cycle would otherwise fill the disk with copies, so the
   * leftovers of later attempts are removed while an earlier one's are still there. An empty directory keeps nothing.
   */
  private String keepLeftovers(String method) throws PostgresException {
    Path dataDir = settings.dataDir();
    if (DataDirectory.of(dataDir) == DataDirectory.MISSING_OR_EMPTY) {
      return "it left nothing in " + dataDir;
    }
    String prefix = dataDir.getFileName() + ".failed-" + method.replaceAll("[^A-Za-z0-9._-]", "_") + "-";
    Optional<Path> earlier;
    try (Stream<Path> siblings = Files.list(dataDir.toAbsolutePath().getParent())) {
      earlier = siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().findFirst();
    } catch (IOException e) {
      throw new PostgresException("cannot list " + dataDir.toAbsolutePath().getParent() + ": " + e.getMessage(), e);
    }
    if (earlier.isPresent()) {
      emptyDataDirectory();
      return "what it left was removed (the first failed attempt's files are kept in " + earlier.get() + ")";
    }
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
    Path aside = dataDir.resolveSibling(prefix + stamp);
    try {
      try {
        Files.move(dataDir, aside);
      } catch (IOException renameFailed) {
        files.createDirectory(aside, OwnedFiles.OWNER_ONLY_DIR);
        try (Stream<Path> entries = Files.list(dataDir)) {
          for (Path entry : entries.toList()) {
            Files.move(entry, aside.resolve(entry.getFileName()));
          }
        }
      }
    } catch (IOException e) {
      throw new PostgresException("cannot move " + dataDir + " aside to " + aside + ": " + e.getMessage(), e);
    }
    LOG.warn("moved the contents of {} to {}", dataDir, aside);
    return "what it left was moved to " + aside;
  }

  private void ensureDataDirectory() throws PostgresException {
    try {
      files.createDirectory(settings.dataDir(), OwnedFiles.OWNER_ONLY_DIR);
    } catch (IOException e) {
      throw new PostgresException("cannot create data directory " + settings.dataDir() + ": " + e.getMessage(), e);
    }
  }

  /** Empties (and if needed creates) the data directory; the directory itself stays because it may be a mount point. */
  private void emptyDataDirectory() throws PostgresException {
    try {
      files.createDirectory(settings.dataDir(), OwnedFiles.OWNER_ONLY_DIR);
      OwnedFiles.deleteContents(settings.dataDir());
    } catch (IOException e) {
      throw new PostgresException("cannot empty data directory " + settings.dataDir() + ": " + e.getMessage(), e);
    }
  }

  /** Refuses options the agent sets itself; {@code --long[=value]} and {@code -x[value]} forms are both checked, bare values pass. */
  static void checkOptions(String tool, List<String> options, Set<String> forbidden) throws PostgresException {
    for (String option : options) {
      String key;
      if (option.startsWith("--")) {
        int eq = option.indexOf('=');
        key = option.substring(2, eq >= 0 ? eq : option.length());
      } else if (option.startsWith("-") && option.length() >= 2) {
        key = option.substring(1, 2);
      } else {
        continue;
      }
      if (forbidden.contains(key)) {
        throw new PostgresException(tool + " option " + option + " is not allowed: the agent sets it");
      }
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("cannot delete {}: {}", file, e.getMessage());
      }
    }
  }
}
