package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Data directory and file handling that needs no running server. */
class LocalPostgresFilesTest {

  private static final Credentials SU = new Credentials("postgres", "su");
  private static final Credentials REPL = new Credentials("replicator", "re:pl\\pw");

  private Path base;
  private LocalPostgres pg;

  @BeforeEach
  void setUp() throws IOException {
    base = TestPg.baseDir("vigil-files-");
    pg = new LocalPostgres(TestPg.settings(base, "n1", 1, SU, REPL));
  }

  @AfterEach
  void tearDown() throws IOException {
    TestPg.deleteTree(base);
  }

  private Path data() {
    return pg.settings().dataDir();
  }

  /** Just enough of a cluster for the INITIALIZED check and the config writers. */
  private void fakeCluster() throws IOException {
    Files.createDirectories(data().resolve("global"));
    Files.writeString(data().resolve("global/pg_control"), "x");
    Files.writeString(data().resolve("PG_VERSION"), "15\n");
    Files.writeString(data().resolve("postgresql.conf"), "# from initdb\nmax_connections = 100\n");
    Files.writeString(data().resolve("postgresql.auto.conf"), "work_mem = '8MB'\nprimary_conninfo = 'host=old'\n");
  }

  @Test
  void classifiesTheDataDirectory() throws IOException {
    assertThat(pg.dataDirectoryState()).isEqualTo(DataDirectory.MISSING_OR_EMPTY);
    Files.createDirectory(data());
    assertThat(pg.dataDirectoryState()).isEqualTo(DataDirectory.MISSING_OR_EMPTY);
    Files.createDirectory(data().resolve("lost+found"));
    assertThat(pg.dataDirectoryState()).isEqualTo(DataDirectory.NOT_ACCESSIBLE);
    Files.delete(data().resolve("lost+found"));
    fakeCluster();
    assertThat(pg.dataDirectoryState()).isEqualTo(DataDirectory.INITIALIZED);
    Files.delete(data().resolve("PG_VERSION"));
    assertThat(pg.dataDirectoryState()).isEqualTo(DataDirectory.NOT_ACCESSIBLE);

    Files.writeString(base.resolve("plain-file"), "x");
    LocalPostgres onFile = new LocalPostgres(TestPg.settings(base, "plain-file", 1, SU, REPL));
    assertThat(onFile.dataDirectoryState()).isEqualTo(DataDirectory.NOT_ACCESSIBLE);
  }

  @Test
  void checkBinariesNamesWhatIsMissing() throws Exception {
    PostgresSettings s = TestPg.settings(base, "n1", 1, SU, REPL);
    PostgresSettings bogus = new PostgresSettings(s.dataDir(), Optional.of(Path.of("/nonexistent/pg/bin")),
        s.listenHost(), s.port(), s.connectHost(), s.connectPort(), s.pgpass(), s.database(), SU, REPL,
        s.scope(), s.memberName(), s.runAsUser(), s.startTimeout());
    assertThatThrownBy(() -> new LocalPostgres(bogus).checkBinaries())
        .isInstanceOf(PostgresException.class)
        .hasMessage("/nonexistent/pg/bin: no PostgreSQL binaries"
            + " (postgres, pg_ctl, initdb, pg_basebackup, pg_controldata, pg_isready not found)");
    pg.checkBinaries();
  }

  @Test
  void binNameFindsAndRunsRenamedTools() throws Exception {
    Path bin = Files.createDirectories(base.resolve("renamed-bin"));
    Map<String, String> names = new LinkedHashMap<>();
    for (String tool : List.of("postgres", "pg_ctl", "initdb", "pg_basebackup", "pg_controldata", "pg_isready",
        "pg_rewind")) {
      Files.createSymbolicLink(bin.resolve(tool + "-15"), TestPg.BIN.resolve(tool));
      names.put(tool, tool + "-15");
    }
    PostgresSettings s = TestPg.settings(base, "n1", 1, SU, REPL);
    PostgresSettings renamed = new PostgresSettings(s.dataDir(), Optional.of(bin), s.listenHost(), s.port(),
        s.connectHost(), s.connectPort(), s.pgpass(), s.database(), SU, REPL, s.scope(), s.memberName(),
        s.runAsUser(), s.startTimeout(), names, Optional.empty());
    PostgresSettings unnamed = new PostgresSettings(s.dataDir(), Optional.of(bin), s.listenHost(), s.port(),
        s.connectHost(), s.connectPort(), s.pgpass(), s.database(), SU, REPL, s.scope(), s.memberName(),
        s.runAsUser(), s.startTimeout());

    new LocalPostgres(renamed).checkBinaries();
    PgCommand commands = new PgCommand(Optional.of(bin), s.runAsUser(), names);
    assertThat(commands.argv("pg_controldata", List.of("--version")).get(s.runAsUser().isPresent() ? 4 : 0))
        .isEqualTo(bin.resolve("pg_controldata-15").toString());
    assertThat(commands.runOk("pg_controldata", List.of("--version"), Map.of(), Duration.ofSeconds(30)).stdout())
        .contains("pg_controldata (PostgreSQL) 15");
    assertThatThrownBy(() -> new LocalPostgres(unnamed).checkBinaries())
        .hasMessageContaining("no PostgreSQL binaries");
    names.put("pg_isready", "pg_isready-14");
    PostgresSettings wrong = new PostgresSettings(s.dataDir(), Optional.of(bin), s.listenHost(), s.port(),
        s.connectHost(), s.connectPort(), s.pgpass(), s.database(), SU, REPL, s.scope(), s.memberName(),
        s.runAsUser(), s.startTimeout(), names, Optional.empty());
    assertThatThrownBy(() -> new LocalPostgres(wrong).checkBinaries())
        .hasMessage(bin + ": incomplete PostgreSQL binaries (pg_isready-14 not found)");
  }

  @Test
  void initdbNeverTouchesANonEmptyDirectory() throws IOException {
    Files.createDirectory(data());
    Files.writeString(data().resolve("precious"), "keep me");
    assertThatThrownBy(() -> pg.initdb(List.of("--encoding=UTF8")))
        .isInstanceOf(PostgresException.class)
        .hasMessageContaining("initdb refused");
    assertThat(data().resolve("precious")).hasContent("keep me");
  }

  @Test
  void initdbRefusesOptionsTheAgentOwns() {
    assertThatThrownBy(() -> pg.initdb(List.of("--pgdata=/elsewhere")))
        .isInstanceOf(PostgresException.class).hasMessageContaining("--pgdata=/elsewhere is not allowed");
    assertThatThrownBy(() -> pg.initdb(List.of("-N")))
        .isInstanceOf(PostgresException.class).hasMessageContaining("not allowed");
    assertThat(data()).doesNotExist();
  }

  @Test
  void writeConfigKeepsTheOriginalOnceAndTogglesStandbyMode() throws Exception {
    fakeCluster();
    pg.writeConfig(Map.of("port", "5433", "unix_socket_directories", base.toString()),
        Optional.of(new RecoveryTarget("127.0.0.1", 5432, Optional.of("n1"))));

    assertThat(data().resolve("postgresql.base.conf")).hasContent("# from initdb\nmax_connections = 100");
    String conf = Files.readString(data().resolve("postgresql.conf"));
    assertThat(conf).startsWith(ConfigFiles.HEADER + "include 'postgresql.base.conf'\n\nport = '5433'\n")
        .contains("primary_conninfo = 'user=replicator passfile=" + base.resolve("n1.pgpass")
            + " host=127.0.0.1 port=5432 sslmode=prefer application_name=n1 gssencmode=prefer channel_binding=prefer'")
        .contains("primary_slot_name = 'n1'");
    assertThat(data().resolve("standby.signal")).exists();
    assertThat(data().resolve("postgresql.auto.conf")).hasContent("work_mem = '8MB'");
    assertThat(base.resolve("n1.pgpass")).hasContent("127.0.0.1:5432:*:replicator:re\\:pl\\\\pw");
    assertOwnedByRunAsUser(base.resolve("n1.pgpass"));
    assertOwnedByRunAsUser(data().resolve("postgresql.conf"));

    pg.writeConfig(Map.of("port", "5433"), Optional.empty());
    assertThat(data().resolve("postgresql.base.conf")).hasContent("# from initdb\nmax_connections = 100");
    assertThat(data().resolve("standby.signal")).doesNotExist();
    assertThat(Files.readString(data().resolve("postgresql.conf"))).doesNotContain("recovery.conf", "primary_conninfo");
  }

  @Test
  void upstreamPasswordGoesFirstAndCallerEntriesStay() throws Exception {
    fakeCluster();
    pg.writePgpass(List.of(new PgpassEntry("*", "*", "*", "postgres", "su")));
    assertThat(base.resolve("n1.pgpass")).hasContent("*:*:*:postgres:su");

    pg.writeConfig(Map.of(), Optional.of(new RecoveryTarget("10.0.0.1", 5432, Optional.empty())));
    assertThat(base.resolve("n1.pgpass")).hasContent("10.0.0.1:5432:*:replicator:re\\:pl\\\\pw\n*:*:*:postgres:su");

    pg.writeConfig(Map.of(), Optional.of(RecoveryTarget.none()));
    assertThat(data().resolve("standby.signal")).exists();
    assertThat(Files.readString(data().resolve("postgresql.conf")))
        .contains("recovery_target_timeline = 'latest'").doesNotContain("primary_conninfo");
  }

  @Test
  void configWritersRefuseADirectoryWithoutCluster() {
    assertThatThrownBy(() -> pg.writeConfig(Map.of(), Optional.empty()))
        .isInstanceOf(PostgresException.class).hasMessageContaining("missing or empty");
    assertThatThrownBy(() -> pg.writeHba(List.of("local all all trust")))
        .isInstanceOf(PostgresException.class).hasMessageContaining("missing or empty");
  }

  @Test
  void settingsDecideListenPortAndClusterNameOnTheCommandLine() {
    pg.setStartOptions(Map.of("port", "1", "wal_level", "replica", "max_connections", "100"));
    assertThat(pg.commandLine()).containsExactly(
        Map.entry("cluster_name", "vigil-test"), Map.entry("listen_addresses", "127.0.0.1"),
        Map.entry("max_connections", "100"), Map.entry("port", "1"), Map.entry("wal_level", "replica"));
    assertThat(pg.startupLog()).isEqualTo(base.resolve("n1-postgres.log"));
  }

  @Test
  void failedBasebackupLeavesAnEmptyDataDirectory() throws Exception {
    Files.createDirectory(data());
    Files.writeString(data().resolve("stale"), "old clone");
    int closedPort = TestPg.freePort();
    assertThatThrownBy(() -> pg.basebackup("127.0.0.1", closedPort, List.of("--checkpoint=fast")))
        .isInstanceOf(PostgresException.class)
        .hasMessageContaining("pg_basebackup from 127.0.0.1:" + closedPort + " failed 2 times")
        .hasMessageContaining("Connection refused");
    assertThat(pg.dataDirectoryState()).isEqualTo(DataDirectory.MISSING_OR_EMPTY);
    assertThat(data()).isDirectory();
    assertThat(Files.getPosixFilePermissions(data())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  private static void assertOwnedByRunAsUser(Path file) throws IOException {
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    if (TestPg.ROOT) {
      assertThat(Files.getOwner(file).getName()).isEqualTo("postgres");
    }
  }

  private Path script(String name, String body) throws IOException {
    Path script = base.resolve(name);
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private List<Path> movedAside(String method) throws IOException {
    try (java.util.stream.Stream<Path> siblings = Files.list(base)) {
      return siblings.filter(p -> p.getFileName().toString().startsWith("n1.failed-" + method + "-")).toList();
    }
  }

  @Test
  void aReplicaScriptRunsAsThePostgresUserWithThePgpassOfItsSource() throws Exception {
    Path script = script("restore.sh", """
        echo "$PGPASSFILE" > "$1/pgpassfile"
        mkdir "$1/global" && echo x > "$1/global/pg_control" && echo 15 > "$1/PG_VERSION"
        """);
    pg.createReplicaWith("restore", List.of(script.toString(), data().toString()), false,
        java.util.Optional.of("127.0.0.1"), 5999, java.time.Duration.ofSeconds(30));

    assertThat(pg.dataDirectoryState()).isEqualTo(DataDirectory.INITIALIZED);
    assertThat(Files.readString(data().resolve("pgpassfile")).strip()).isEqualTo(pg.settings().pgpass().toString());
    assertThat(Files.readString(pg.settings().pgpass())).startsWith("127.0.0.1:5999:*:replicator:");
    assertThat(Files.getOwner(data().resolve("PG_VERSION")).getName())
        .isEqualTo(TestPg.RUN_AS.orElse(System.getProperty("user.name")));
    assertThat(movedAside("restore")).isEmpty();
  }

  @Test
  void aReplicaScriptThatLeavesNoClusterFailsAndItsLeftoversAreMovedAside() throws Exception {
    Files.createDirectory(data());
    Files.writeString(data().resolve("old"), "from before");
    Path script = script("half.sh", "echo half > \"$1/half\"\necho 'disk full' >&2\n");

    assertThatThrownBy(() -> pg.createReplicaWith("half", List.of(script.toString(), data().toString()), false,
        java.util.Optional.empty(), 0, java.time.Duration.ofSeconds(30)))
        .isInstanceOf(PostgresException.class).hasMessageContaining("exit code 0, but")
        .hasMessageContaining("holds no cluster").hasMessageContaining("what it left was moved to");
    List<Path> aside = movedAside("half");
    assertThat(aside).hasSize(1);
    assertThat(Files.readString(aside.get(0).resolve("half"))).isEqualTo("half\n");
    assertThat(aside.get(0).resolve("old")).doesNotExist(); // emptied before the script: no keep_data
    assertThat(data().resolve("half")).doesNotExist();

    // failing again (at every cycle, say): the first attempt's files stay, later ones do not pile up
    assertThatThrownBy(() -> pg.createReplicaWith("half", List.of(script.toString(), data().toString()), false,
        java.util.Optional.empty(), 0, java.time.Duration.ofSeconds(30)))
        .isInstanceOf(PostgresException.class).hasMessageContaining("what it left was removed")
        .hasMessageContaining("kept in " + aside.get(0));
    assertThat(movedAside("half")).containsExactly(aside.get(0));
    assertThat(data().resolve("half")).doesNotExist();
  }

  @Test
  void aReplicaScriptPastItsTimeoutIsKilledAndKeptDataIsMovedAsideNotDeleted() throws Exception {
    Files.createDirectory(data());
    Files.writeString(data().resolve("restore-in-progress"), "keep me");
    Path script = script("hang.sh", "exec sleep 600\n");
    long started = System.nanoTime();

    assertThatThrownBy(() -> pg.createReplicaWith("hang", List.of(script.toString()), true,
        java.util.Optional.empty(), 0, java.time.Duration.ofSeconds(1)))
        .isInstanceOf(PostgresException.class).hasMessageContaining("did not finish within 1 s and was killed");
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(60));
    List<Path> aside = movedAside("hang");
    assertThat(aside).hasSize(1);
    assertThat(Files.readString(aside.get(0).resolve("restore-in-progress"))).isEqualTo("keep me");
  }
}
