package io.vigil.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Writes the agent-owned files of the data directory and the pgpass file (rendering is in {@link ConfigFiles}). */
final class ConfigWriter {

  private final PostgresSettings settings;
  private final OwnedFiles files;

  ConfigWriter(PostgresSettings settings, OwnedFiles files) {
    this.settings = settings;
    this.files = files;
  }

  void writeHba(List<String> lines) throws PostgresException {
    DataDirectory.requireInitialized(settings.dataDir(), "write pg_hba.conf");
    write(settings.dataDir().resolve("pg_hba.conf"), ConfigFiles.pgHba(lines));
  }

  void writeIdent(List<String> lines) throws PostgresException {
    DataDirectory.requireInitialized(settings.dataDir(), "write pg_ident.conf");
    write(settings.dataDir().resolve("pg_ident.conf"), ConfigFiles.pgIdent(lines));
  }

  void writeConfig(Map<String, String> parameters, Optional<RecoveryTarget> follow) throws PostgresException {
    Path dir = settings.dataDir();
    DataDirectory.requireInitialized(dir, "write postgresql.conf");
    parameters.forEach(ConfigFiles::validate);
    String base = baseConf();
    keepOriginalConf();
    Map<String, String> recovery = Map.of();
    if (follow.isPresent()) {
      RecoveryTarget target = follow.get();
      Optional<String> conninfo = Optional.empty();
      if (target.hasUpstream()) {
        writeUpstreamPgpass(target.host(), target.port());
        conninfo = Optional.of(Conninfo.primary(target.host(), target.port(), settings.replication(),
            settings.pgpass(), settings.memberName()));
      }
      recovery = ConfigFiles.recoverySettings(parameters, target, conninfo);
    }
    write(dir.resolve("postgresql.conf"), ConfigFiles.postgresqlConf(base, parameters,
        dir.resolve("pg_hba.conf"), dir.resolve("pg_ident.conf"), recovery));
    removeRecoveryFromAutoConf();
    try {
      if (follow.isPresent()) {
        write(dir.resolve("standby.signal"), "");
      } else {
        Files.deleteIfExists(dir.resolve("standby.signal"));
      }
      // recovery.signal means targeted archive recovery (PITR) followed by promotion: never what the agent wants
      Files.deleteIfExists(dir.resolve("recovery.signal"));
    } catch (IOException e) {
      throw new PostgresException("cannot update the signal files in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The first start of a cluster restored by a custom bootstrap script (spec §3.8): with {@code recovery} the
   * settings go into the recovery block and recovery.signal is created (archive recovery, then PostgreSQL promotes
   * itself); without, the recovery settings and signal file the script left are kept as they are.
   */
  void writeRestoreConfig(Map<String, String> parameters, Optional<Map<String, String>> recovery)
      throws PostgresException {
    Path dir = settings.dataDir();
    DataDirectory.requireInitialized(dir, "write postgresql.conf");
    parameters.forEach(ConfigFiles::validate);
    recovery.ifPresent(r -> r.forEach(ConfigFiles::validate));
    String base = baseConf();
    keepOriginalConf();
    write(dir.resolve("postgresql.conf"), ConfigFiles.postgresqlConf(base, parameters, dir.resolve("pg_hba.conf"),
        dir.resolve("pg_ident.conf"), recovery.orElse(Map.of())));
    if (recovery.isPresent()) {
      removeRecoveryFromAutoConf();
      try {
        Files.deleteIfExists(dir.resolve("standby.signal"));
      } catch (IOException e) {
        throw new PostgresException("cannot remove standby.signal in " + dir + ": " + e.getMessage(), e);
      }
      write(dir.resolve("recovery.signal"), "");
    }
  }

  /**
   * Opens the cluster to the superuser without a password (local socket and this host's addresses), for a
   * cluster restored from another one whose superuser password Vigil cannot know; returns the previous pg_hba.conf.
   */
  String openToSuperuser() throws PostgresException {
    Path hba = settings.dataDir().resolve("pg_hba.conf");
    String user = settings.superuser().username();
    try {
      String previous = Files.exists(hba) ? Files.readString(hba) : "";
      write(hba, ConfigFiles.pgHba(List.of("local all " + user + " trust", "host all " + user + " samehost trust")));
      return previous;
    } catch (IOException e) {
      throw new PostgresException("cannot read " + hba + ": " + e.getMessage(), e);
    }
  }

  void restoreHba(String content) throws PostgresException {
    write(settings.dataDir().resolve("pg_hba.conf"), content);
  }

  /** Entries the caller asked for; kept so writing an upstream's entry does not drop them. */
  private volatile List<PgpassEntry> callerEntries = List.of();

  void writePgpass(List<PgpassEntry> entries) throws PostgresException {
    callerEntries = List.copyOf(entries);
    writePgpassFile(callerEntries);
  }

  /**
   * The replication role's entry for {@code host:port} first (libpq takes the first match), then
   * the caller's entries. Without a password there is nothing to add.
   */
  void writeUpstreamPgpass(String host, int port) throws PostgresException {
    writeSourcePgpass(host, port, settings.replication());
  }

  /** {@code role}'s entry for {@code host:port} first, then the caller's entries; nothing to do without a password. */
  void writeSourcePgpass(String host, int port, Credentials role) throws PostgresException {
    if (!role.hasPassword()) {
      return;
    }
    List<PgpassEntry> entries = new ArrayList<>();
    entries.add(new PgpassEntry(host, Integer.toString(port), "*", role.username(), role.password()));
    callerEntries.stream().filter(e -> !entries.contains(e)).forEach(entries::add);
    writePgpassFile(entries);
  }

  private void writePgpassFile(List<PgpassEntry> entries) throws PostgresException {
    Path pgpass = settings.pgpass();
    try {
      if (Files.notExists(pgpass.getParent())) {
        files.createDirectory(pgpass.getParent(), OwnedFiles.OWNER_ONLY_DIR);
      }
    } catch (IOException e) {
      throw new PostgresException("cannot create " + pgpass.getParent() + ": " + e.getMessage(), e);
    }
    write(pgpass, ConfigFiles.pgpass(entries));
  }

  /**
   * What postgresql.conf includes: custom_conf when set, else postgresql.base.conf. A custom file that is not there
   * is refused here, with its name, rather than by PostgreSQL at its next start.
   */
  private String baseConf() throws PostgresException {
    if (settings.customConf().isEmpty()) {
      return ConfigFiles.BASE_CONF;
    }
    Path custom = settings.customConf().get();
    if (!Files.isRegularFile(settings.dataDir().resolve(custom))) {
      throw new PostgresException("postgresql.custom_conf " + custom + " is not a file"
          + (custom.isAbsolute() ? "" : " (relative to " + settings.dataDir() + ")")
          + ": PostgreSQL would not start with it");
    }
    return custom.toString();
  }

  /**
   * The first time, initdb's (or the DBA's) postgresql.conf becomes postgresql.base.conf, which ours includes. With
   * custom_conf Patroni leaves it to be overwritten; kept, it is there to go back to when custom_conf is removed.
   */
  private void keepOriginalConf() throws PostgresException {
    Path conf = settings.dataDir().resolve("postgresql.conf");
    Path base = settings.dataDir().resolve(ConfigFiles.BASE_CONF);
    try {
      if (Files.notExists(base)) {
        if (Files.exists(conf)) {
          Files.move(conf, base, StandardCopyOption.ATOMIC_MOVE);
        } else {
          // the include must resolve, or PostgreSQL refuses to start
          files.write(base, "", OwnedFiles.OWNER_ONLY_FILE);
        }
      }
    } catch (IOException e) {
      throw new PostgresException("cannot keep the original postgresql.conf as " + base + ": " + e.getMessage(), e);
    }
  }

  private void removeRecoveryFromAutoConf() throws PostgresException {
    Path auto = settings.dataDir().resolve("postgresql.auto.conf");
    try {
      if (Files.exists(auto)) {
        Optional<String> cleaned = ConfigFiles.autoConfWithoutRecovery(Files.readString(auto));
        if (cleaned.isPresent()) {
          files.write(auto, cleaned.get(), OwnedFiles.OWNER_ONLY_FILE);
        }
      }
    } catch (IOException e) {
      throw new PostgresException("cannot clean recovery settings out of " + auto + ": " + e.getMessage(), e);
    }
  }

  private void write(Path file, String content) throws PostgresException {
    try {
      files.write(file, content, OwnedFiles.OWNER_ONLY_FILE);
    } catch (IOException e) {
      throw new PostgresException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
