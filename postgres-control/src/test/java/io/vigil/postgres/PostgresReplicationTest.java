package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One primary and one replica on real PostgreSQL 15, driven only through {@link LocalPostgres}:
 * bootstrap, clone, streaming, failover, stop modes. The steps build on each other, so they run in
 * order on one pair of clusters (initdb dominates the cost of a class).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresReplicationTest {

  /** Quote, backslash, dollar-quote and colon: everything the DO block, pgpass and conninfo must escape. */
  private static final Credentials SU = new Credentials("postgres", "su'pa\\ss$$word");
  private static final Credentials REPL = new Credentials("replicator", "re:pl\\pw' x");
  private static final List<String> HBA = List.of(
      "local all all trust",
      "host replication replicator 127.0.0.1/32 md5",
      "host all all 127.0.0.1/32 md5");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private Path base;
  private LocalPostgres primary;
  private LocalPostgres replica;

  @BeforeAll
  void setUp() throws IOException {
    base = TestPg.baseDir("vigil-pg-");
    primary = new LocalPostgres(TestPg.settings(base, "n1", TestPg.freePort(), SU, REPL));
    replica = new LocalPostgres(TestPg.settings(base, "n2", TestPg.freePort(), SU, REPL));
  }

  @AfterAll
  void tearDown() throws IOException {
    for (LocalPostgres pg : new LocalPostgres[] {primary, replica}) {
      try {
        pg.stop(StopMode.IMMEDIATE, Duration.ofSeconds(10));
      } catch (PostgresException e) {
        System.err.println("cleanup: " + e.getMessage());
      }
    }
    TestPg.deleteTree(base);
  }

  private Map<String, String> parameters(LocalPostgres pg) {
    return Map.of(
        "listen_addresses", "127.0.0.1",
        "port", Integer.toString(pg.settings().port()),
        "unix_socket_directories", base.toString(),
        "wal_level", "logical",
        "hot_standby", "on",
        "max_wal_senders", "10",
        "max_replication_slots", "10",
        "wal_log_hints", "on",
        "fsync", "off");
  }

  private static void configureStartOptions(LocalPostgres pg) {
    pg.setStartOptions(Map.of("wal_level", "logical", "hot_standby", "on", "max_wal_senders", "10",
        "max_replication_slots", "10", "wal_log_hints", "on"));
  }

  @Test
  @Order(1)
  void bootstrapsAPrimary() throws Exception {
    assertThat(primary.dataDirectoryState()).isEqualTo(DataDirectory.MISSING_OR_EMPTY);
    primary.initdb(List.of("--encoding=UTF8", "--locale=C.UTF-8", "--data-checksums"));

    assertThat(primary.dataDirectoryState()).isEqualTo(DataDirectory.INITIALIZED);
    Path data = primary.settings().dataDir();
    assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    if (TestPg.ROOT) {
      assertThat(Files.getOwner(data).getName()).isEqualTo("postgres");
    }
    assertThat(base).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".vigil-pwfile"));
    assertThatThrownBy(() -> primary.initdb(List.of())).isInstanceOf(PostgresException.class)
        .hasMessageContaining("already initialized");

    primary.writeHba(HBA);
    primary.writeIdent(List.of("ops  alice  postgres", "ops  bob  replicator"));
    primary.writeConfig(parameters(primary), Optional.empty());
    configureStartOptions(primary);
    assertThat(data.resolve("postgresql.base.conf")).exists();
    assertThat(Files.readString(data.resolve("pg_hba.conf"))).startsWith(ConfigFiles.HEADER + "local all all trust\n");
  }

  @Test
  @Order(2)
  void startOnAPortInUseFailsFastWithTheReason() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      PostgresSettings s = primary.settings();
      LocalPostgres onBusyPort = new LocalPostgres(new PostgresSettings(s.dataDir(), s.binDir(), s.listenHost(),
          busy.getLocalPort(), s.connectHost(), s.connectPort(), s.pgpass(), s.database(), s.superuser(),
          s.replication(), s.scope(), s.memberName(), s.runAsUser(), s.startTimeout()));
      long started = System.nanoTime();
      assertThatThrownBy(onBusyPort::start)
          .isInstanceOf(PostgresException.class)
          .hasMessageContaining("postgres exited with code")
          .hasMessageContaining("Address already in use");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
      assertThat(onBusyPort.isRunning()).isFalse();
    }
  }

  @Test
  @Order(3)
  void startsDetachedAndReportsAPrimary() throws Exception {
    primary.start();
    assertThat(primary.isRunning()).isTrue();
    assertThat(primary.isReady()).isTrue();
    long pid = primary.postmasterPid().orElseThrow();
    long jvmSession = Postmaster.sessionId(ProcessHandle.current().pid());
    assertThat(Postmaster.sessionId(pid)).as("postmaster runs in its own session").isPositive().isNotEqualTo(jvmSession);
    assertThat(primary.startupLog()).exists();
    assertThatThrownBy(primary::start).isInstanceOf(PostgresException.class).hasMessageContaining("already running");

    primary.ensureRoles();
    PgStatus status = primary.status();
    assertThat(status.inRecovery()).isFalse();
    assertThat(status.timeline()).isEqualTo(1);
    assertThat(status.writeLsn()).isPositive();
    assertThat(status.walPosition()).isEqualTo(status.writeLsn());
    assertThat(status.serverVersion()).isBetween(150000, 159999);
    assertThat(status.postmasterStartTime()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?[+-]\\d\\d:\\d\\d");
    assertThat(status.replication()).isEmpty();
    assertThat(status.receiverSlot()).isEmpty();
    assertThat(status.synchronousStandbyNames()).isEmpty();

    ControlData control = primary.controlData();
    assertThat(control.systemIdentifier()).matches("\\d{10,}");
    assertThat(control.clusterState()).isEqualTo("in production");
    assertThat(control.latestCheckpointTimeline()).isEqualTo(1);
    assertThat(control.dataChecksums()).isTrue();

    try (Connection c = TestPg.connect(primary.settings()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT map_name, sys_name, pg_username FROM pg_ident_file_mappings"
             + " WHERE error IS NULL ORDER BY line_number")) {
      List<String> mappings = new ArrayList<>();
      while (rs.next()) {
        mappings.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
      }
      assertThat(mappings).as("pg_ident.conf from postgresql.pg_ident, in effect")
          .containsExactly("ops alice postgres", "ops bob replicator");
    }
    try (Connection c = TestPg.connect(primary.settings()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT rolreplication, rolcanlogin FROM pg_roles WHERE rolname = 'replicator'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).isTrue();
      assertThat(rs.getBoolean(2)).isTrue();
    }
    primary.ensureRoles();
  }

  @Test
  @Order(4)
  void syncsPhysicalSlots() throws Exception {
    primary.syncSlots(SlotTarget.physical(Set.of("n2", "stale")));
    assertThat(slots(primary)).containsExactlyInAnyOrder("n2", "stale");
    primary.syncSlots(SlotTarget.physical(Set.of("n2")));
    assertThat(slots(primary)).containsExactly("n2");
    primary.syncSlots(SlotTarget.physical(Set.of("n2")));
    assertThat(slots(primary)).containsExactly("n2");
  }

  @Test
  @Order(5)
  void syncsLogicalSlotsKeepsIgnoredOnesAndReportsFailuresPerSlot() throws Exception {
    SlotSpec cdc = SlotSpec.logical("cdc", "postgres", "test_decoding");
    SlotSpec bad = SlotSpec.logical("bad", "postgres", "no_such_plugin");
    IgnoredSlots none = new IgnoredSlots(List.of());
    LocalPostgres.SlotChanges changes = primary.syncSlots(new SlotTarget(
        Map.of("n2", SlotSpec.physical("n2"), "cdc", cdc, "bad", bad), none, true, Map.of()));
    assertThat(changes.created()).containsExactly("cdc");
    assertThat(changes.failed()).containsOnlyKeys("bad");
    assertThat(changes.failed().get("bad")).contains("no_such_plugin");
    assertThat(primary.replicationSlots()).filteredOn(SlotInfo::logical).singleElement().satisfies(slot -> {
      assertThat(slot.name()).isEqualTo("cdc");
      assertThat(slot.database()).isEqualTo("postgres");
      assertThat(slot.plugin()).isEqualTo("test_decoding");
      assertThat(slot.position()).isPositive();
    });

    execute(primary, "SELECT pg_create_physical_replication_slot('manual')",
        "SELECT pg_create_logical_replication_slot('manual_logical', 'test_decoding')");
    Map<String, SlotSpec> wanted = Map.of("n2", SlotSpec.physical("n2"), "cdc", cdc);
    primary.syncSlots(new SlotTarget(wanted, none, false, Map.of()));
    assertThat(slots(primary)).as("paused: nothing dropped").contains("manual", "manual_logical");
    IgnoredSlots manual = IgnoredSlots.of(Map.of("ignore_slots", List.of(Map.of("name", "manual"),
        Map.of("type", "logical", "plugin", "pgoutput"))));
    changes = primary.syncSlots(new SlotTarget(wanted, manual, true, Map.of()));
    assertThat(changes.dropped()).containsExactly("manual_logical");
    assertThat(slots(primary)).containsExactly("cdc", "manual", "n2");
    primary.syncSlots(new SlotTarget(wanted, none, true, Map.of()));
    assertThat(slots(primary)).containsExactly("cdc", "n2");
  }

  @Test
  @Order(6)
  void clonesAReplicaThatStreams() throws Exception {
    replica.basebackup("127.0.0.1", primary.settings().port(), List.of("--checkpoint=fast"));
    assertThat(replica.dataDirectoryState()).isEqualTo(DataDirectory.INITIALIZED);
    assertThat(replica.controlData().systemIdentifier()).isEqualTo(primary.controlData().systemIdentifier());

    replica.writeConfig(parameters(replica), Optional.of(new RecoveryTarget("127.0.0.1", primary.settings().port(),
        Optional.of(LocalPostgres.slotName("n2")))));
    configureStartOptions(replica);
    replica.start();

    execute(primary, "CREATE TABLE t(x int)", "INSERT INTO t SELECT generate_series(1, 1000)");
    long target = primary.status().writeLsn();
    await().atMost(WAIT).until(() -> replica.status().receiveLsn() >= target);

    PgStatus status = replica.status();
    assertThat(status.inRecovery()).isTrue();
    assertThat(status.writeLsn()).isZero();
    assertThat(status.timeline()).isEqualTo(1);
    assertThat(status.receiverSlot()).hasValue("n2");
    assertThat(status.receiverConninfo()).hasValueSatisfying(c -> assertThat(c).contains("application_name=n2"));
    assertThat(status.walPosition()).isGreaterThanOrEqualTo(target);
    await().atMost(WAIT).until(() -> replica.status().replayLsn() >= target);
    assertThat(replica.controlData().clusterState()).isEqualTo("in archive recovery");

    await().atMost(WAIT).until(() -> primary.status().replication().stream()
        .anyMatch(r -> r.applicationName().equals("n2") && r.state().equals("streaming")));
    ReplicationRow row = primary.status().replication().get(0);
    assertThat(row.usename()).isEqualTo("replicator");
    assertThat(row.clientAddr()).hasValue("127.0.0.1");
    assertThat(row.syncState()).isEqualTo("async");
    assertThat(row.syncPriority()).isZero();
  }

  @Test
  @Order(7)
  void copiesALogicalSlotToTheReplicaAndAdvancesItToThePrimarysPosition() throws Exception {
    SlotSpec cdc = SlotSpec.logical("cdc", "postgres", "test_decoding");
    execute(primary, "INSERT INTO t VALUES (1001)", "SELECT count(*) FROM pg_logical_slot_get_changes('cdc', NULL, NULL)");
    List<CopiedSlot> copied = replica.readLogicalSlots("127.0.0.1", primary.settings().port(),
        List.of(cdc, SlotSpec.logical("absent", "postgres", "test_decoding")));
    assertThat(copied).singleElement().satisfies(c -> assertThat(c.name()).isEqualTo("cdc"));
    assertThat(replica.readLogicalSlots("127.0.0.1", primary.settings().port(),
        List.of(SlotSpec.logical("cdc", "postgres", "pgoutput")))).as("another plugin is not copied").isEmpty();

    replica.stop(StopMode.FAST, WAIT);
    replica.writeLogicalSlots(copied);
    replica.start();
    assertThat(replica.replicationSlots()).singleElement().satisfies(slot -> {
      assertThat(slot.name()).isEqualTo("cdc");
      assertThat(slot.logical()).isTrue();
      assertThat(slot.plugin()).isEqualTo("test_decoding");
    });

    execute(primary, "INSERT INTO t VALUES (1002)", "SELECT count(*) FROM pg_logical_slot_get_changes('cdc', NULL, NULL)");
    long confirmed = primary.replicationSlots().stream().filter(s -> s.name().equals("cdc")).findFirst()
        .orElseThrow().position();
    long written = primary.status().writeLsn();
    await().atMost(WAIT).until(() -> replica.status().replayLsn() >= written);
    LocalPostgres.SlotChanges changes = replica.syncSlots(new SlotTarget(Map.of("cdc", cdc),
        new IgnoredSlots(List.of()), true, Map.of("cdc", confirmed)));
    assertThat(changes.advanced()).containsExactly("cdc");
    assertThat(changes.failed()).isEmpty();
    assertThat(replica.replicationSlots()).singleElement()
        .satisfies(slot -> assertThat(slot.position()).isEqualTo(confirmed));
  }

  @Test
  @Order(8)
  void reportsSynchronousStandbyNamesAndTheStandbysPositions() throws Exception {
    Map<String, String> params = new HashMap<>(parameters(primary));
    params.put("synchronous_standby_names", SyncStandbyNames.priority(1, List.of("n2")));
    primary.writeConfig(params, Optional.empty());
    primary.reload();
    await().atMost(WAIT).until(() -> primary.status().replication().stream()
        .anyMatch(r -> r.applicationName().equals("n2") && r.syncState().equals("sync")));

    execute(primary, "INSERT INTO t SELECT generate_series(1001, 2000)");
    PgStatus status = primary.status();
    assertThat(status.synchronousStandbyNames()).isEqualTo("n2");
    assertThat(SyncStandbyNames.parse(status.synchronousStandbyNames()).lists("N2")).isTrue();
    ReplicationRow row = status.replication().get(0);
    assertThat(row.syncPriority()).isEqualTo(1);
    // The insert committed only once n2 had flushed it (synchronous_commit = on).
    assertThat(row.flushLsn()).isPositive().isLessThanOrEqualTo(status.writeLsn());
    assertThat(row.writeLsn()).isGreaterThanOrEqualTo(row.flushLsn());
    assertThat(row.replayLsn()).isPositive().isLessThanOrEqualTo(row.flushLsn());
    long target = status.writeLsn();
    await().atMost(WAIT).until(() -> primary.status().replication().get(0).replayLsn() >= target);
    ReplicationRow caughtUp = primary.status().replication().get(0);
    assertThat(caughtUp.writeLsn()).isGreaterThanOrEqualTo(target);
    assertThat(caughtUp.flushLsn()).isGreaterThanOrEqualTo(target);
    assertThat(replica.status().replayLsn()).isGreaterThanOrEqualTo(caughtUp.replayLsn());
    assertThat(replica.status().synchronousStandbyNames()).as("the replica has its own, unset").isEmpty();

    params.put("synchronous_standby_names", SyncStandbyNames.quorum(1, List.of("n2", "pg-3")));
    primary.writeConfig(params, Optional.empty());
    primary.reload();
    await().atMost(WAIT).until(() -> primary.status().replication().get(0).syncState().equals("quorum"));
    assertThat(primary.status().synchronousStandbyNames()).isEqualTo("ANY 1 (n2,\"pg-3\")");

    primary.writeConfig(parameters(primary), Optional.empty());
    primary.reload();
    await().atMost(WAIT).until(() -> primary.status().synchronousStandbyNames().isEmpty());
    await().atMost(WAIT).until(() -> primary.status().replication().get(0).syncState().equals("async"));
  }

  @Test
  @Order(9)
  void promotesTheReplicaAfterThePrimaryStops() throws Exception {
    long oldPid = primary.postmasterPid().orElseThrow();
    primary.stop(StopMode.FAST, Duration.ofSeconds(20));
    assertThat(primary.isRunning()).isFalse();
    assertThat(Postmaster.isAlive(oldPid)).isFalse();
    assertThat(primary.settings().dataDir().resolve("postmaster.pid")).doesNotExist();
    assertThat(primary.controlData().clusterState()).isEqualTo("shut down");
    assertThatThrownBy(primary::status).isInstanceOf(PostgresException.class).hasMessageContaining("status query failed");

    replica.promote();
    PgStatus status = replica.status();
    assertThat(status.inRecovery()).isFalse();
    assertThat(status.timeline()).isEqualTo(2);
    assertThat(status.walPosition()).isEqualTo(status.writeLsn()).isPositive();
    execute(replica, "INSERT INTO t VALUES (1001)");
    assertThatThrownBy(replica::promote).isInstanceOf(PostgresException.class)
        .hasMessageContaining("pg_ctl promote -D " + replica.settings().dataDir() + " -W exited with code 1")
        .hasMessageContaining("not in standby mode");

    replica.checkpoint();
    assertThat(replica.controlData().latestCheckpointTimeline()).isEqualTo(2);
    assertThat(replica.controlData().clusterState()).isEqualTo("in production");
  }

  @Test
  @Order(10)
  void reloadAppliesRewrittenConfiguration() throws Exception {
    Map<String, String> params = new HashMap<>(parameters(replica));
    params.put("work_mem", "7MB");
    replica.writeConfig(params, Optional.empty());
    assertThat(replica.settings().dataDir().resolve("standby.signal")).doesNotExist();
    replica.reload();
    await().atMost(WAIT).until(() -> "7MB".equals(show(replica, "work_mem")));
  }

  @Test
  @Order(11)
  void smartStopThatTimesOutEscalatesAndLeavesNoPostmaster() throws Exception {
    long pid = replica.postmasterPid().orElseThrow();
    List<ProcessHandle> children = ProcessHandle.of(pid).orElseThrow().children().toList();
    assertThat(children).isNotEmpty();
    try (Connection held = TestPg.connect(replica.settings())) {
      // an open session keeps a smart shutdown waiting forever
      long started = System.nanoTime();
      replica.stop(StopMode.SMART, Duration.ofMillis(500));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
      assertThat(held.isValid(1)).isFalse();
    }
    assertThat(replica.isRunning()).isFalse();
    assertThat(Postmaster.isAlive(pid)).isFalse();
    assertThat(children).noneMatch(c -> Postmaster.isAlive(c.pid()));
    replica.stop(StopMode.FAST, Duration.ofSeconds(1));
  }

  @Test
  @Order(12)
  void immediateStopAndRestartAfterCrash() throws Exception {
    replica.start();
    long pid = replica.postmasterPid().orElseThrow();
    replica.stop(StopMode.IMMEDIATE, Duration.ofSeconds(20));
    assertThat(Postmaster.isAlive(pid)).isFalse();
    assertThat(replica.controlData().clusterState()).isEqualTo("in production");
    replica.start();
    assertThat(replica.status().inRecovery()).isFalse();
    replica.stop(StopMode.FAST, Duration.ofSeconds(20));
    assertThat(replica.isRunning()).isFalse();
  }

  private static List<String> slots(LocalPostgres pg) throws SQLException {
    try (Connection c = TestPg.connect(pg.settings()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT slot_name FROM pg_replication_slots ORDER BY 1")) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    }
  }

  private static void execute(LocalPostgres pg, String... sql) throws SQLException {
    try (Connection c = TestPg.connect(pg.settings()); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  private static String show(LocalPostgres pg, String name) throws SQLException {
    try (Connection c = TestPg.connect(pg.settings()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
