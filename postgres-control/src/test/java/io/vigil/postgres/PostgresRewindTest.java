package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Failover leftovers on real PostgreSQL 15: a diverged old primary rewound to follow the new one,
 * a replica that needs no rewind, a crashed primary (crash recovery + rewind), pg_rewind failures,
 * the postmaster watch and wiping. Two clusters, A and B; the steps build on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresRewindTest {

  private static final Credentials SU = new Credentials("postgres", "su'pa\\ss:word");
  private static final Credentials REPL = new Credentials("replicator", "re:pl\\pw");
  private static final List<String> HBA = List.of(
      "local all all trust",
      "host replication replicator 127.0.0.1/32 md5",
      "host all all 127.0.0.1/32 md5");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration STOP = Duration.ofSeconds(20);

  private Path base;
  private LocalPostgres a;
  private LocalPostgres b;

  @BeforeAll
  void setUp() throws IOException {
    base = TestPg.baseDir("vigil-rewind-");
    a = new LocalPostgres(TestPg.settings(base, "a", TestPg.freePort(), SU, REPL));
    b = new LocalPostgres(TestPg.settings(base, "b", TestPg.freePort(), SU, REPL));
    for (LocalPostgres pg : List.of(a, b)) {
      pg.setStartOptions(Map.of("wal_level", "replica", "hot_standby", "on", "max_wal_senders", "10",
          "max_replication_slots", "10", "wal_log_hints", "on"));
    }
  }

  @AfterAll
  void tearDown() throws IOException {
    for (LocalPostgres pg : List.of(a, b)) {
      pg.stopWatchingPostmaster();
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
        "wal_level", "replica",
        "hot_standby", "on",
        "max_wal_senders", "10",
        "max_replication_slots", "10",
        "wal_log_hints", "on",
        // pg_rewind reads the target's WAL back to the last common checkpoint
        "wal_keep_size", "128MB",
        "fsync", "off");
  }

  private void follow(LocalPostgres replica, LocalPostgres upstream) throws PostgresException {
    replica.writeConfig(parameters(replica), Optional.of(new RecoveryTarget("127.0.0.1", upstream.settings().port(),
        Optional.of(replica.settings().memberName()))));
  }

  @Test
  @Order(1)
  void primaryAndStreamingReplica() throws Exception {
    a.initdb(List.of("--encoding=UTF8", "--locale=C.UTF-8"));
    // no checksums and never started with wal_log_hints=on yet
    assertThat(a.rewindPossible()).isFalse();
    a.writeHba(HBA);
    a.writeConfig(parameters(a), Optional.empty());
    a.start();
    a.ensureRoles();
    assertThat(a.rewindPossible()).isTrue();
    assertThat(a.wasPrimary()).as("running primary").isTrue();
    a.syncSlots(SlotTarget.physical(Set.of("b")));
    execute(a, "CREATE TABLE t(x int, origin text)", "INSERT INTO t VALUES (1, 'common')");

    b.basebackup("127.0.0.1", a.settings().port(), List.of("--checkpoint=fast"));
    follow(b, a);
    b.start();
    // replayed, not cloned: buffers B still has dirty when promoted, so its spread post-promotion
    // checkpoint takes minutes and its pg_control keeps showing timeline 1 meanwhile
    execute(a, "CREATE TABLE filler(g int, s text)",
        "INSERT INTO filler SELECT g, repeat('x', 100) FROM generate_series(1, 50000) g");
    long target = a.status().writeLsn();
    await().atMost(WAIT).until(() -> b.status().replayLsn() >= target);
    assertThat(b.wasPrimary()).as("running replica").isFalse();
    assertThat(b.controlData().clusterState()).isEqualTo("in archive recovery");
  }

  @Test
  @Order(2)
  void divergedOldPrimaryIsRewoundAndFollowsTheNewOne() throws Exception {
    b.promote(); // no CHECKPOINT here: rewind() must see to it that B's pg_control shows timeline 2
    assertThat(b.status().timeline()).isEqualTo(2);
    execute(b, "INSERT INTO t VALUES (2, 'b-after-promote')");
    execute(a, "INSERT INTO t SELECT g, 'a-diverged' FROM generate_series(100, 1100) g");
    b.syncSlots(SlotTarget.physical(Set.of("a")));
    a.stop(StopMode.FAST, STOP);
    assertThat(a.wasPrimary()).as("cleanly stopped primary").isTrue();
    assertThat(a.controlData().clusterState()).isEqualTo("shut down");
    Path dataA = a.settings().dataDir();
    assertThat(dataA.resolve("pg_replslot").resolve("b")).isDirectory();
    String confBefore = Files.readString(dataA.resolve("postgresql.conf"));
    String hbaBefore = Files.readString(dataA.resolve("pg_hba.conf"));
    // PostgreSQL 15's pg_rewind would take this for "same timeline, no rewind required"
    assertThat(b.controlData().latestCheckpointTimeline()).as("B's post-promotion checkpoint still runs").isEqualTo(1);
    ControlData stopped = a.controlData();
    assertThatThrownBy(() -> a.rewind("127.0.0.1", b.settings().port(), false)).isInstanceOf(PostgresException.class)
        .hasMessageContaining("diverged from 127.0.0.1:" + b.settings().port() + " (timeline 2)")
        .hasMessageContaining("pg_rewind is not allowed (use_pg_rewind is off)");
    assertThat(a.controlData().raw()).as("nothing touched").isEqualTo(stopped.raw());

    long started = System.nanoTime();
    LocalPostgres.RewindResult result = a.rewind("127.0.0.1", b.settings().port(), true);
    System.out.println("rewind of a diverged primary: " + ms(started) + " ms\n" + result.output());
    assertThat(result.rewound()).isTrue();
    assertThat(result.output()).contains("Done!");
    assertThat(b.controlData().latestCheckpointTimeline()).isEqualTo(2);

    // our own files are back, the source's are not; slots are gone; a plain start would be a standby
    assertThat(Files.readString(dataA.resolve("postgresql.conf"))).isEqualTo(confBefore)
        .contains("port = '" + a.settings().port() + "'");
    assertThat(Files.readString(dataA.resolve("pg_hba.conf"))).isEqualTo(hbaBefore);
    assertThat(dataA.resolve("standby.signal")).exists();
    assertThat(dataA.resolve("recovery.signal")).doesNotExist();
    assertThat(listNames(dataA.resolve("pg_replslot"))).isEmpty();
    if (TestPg.ROOT) {
      assertThat(Files.getOwner(dataA.resolve("postgresql.conf")).getName()).isEqualTo("postgres");
      assertThat(Files.getOwner(dataA.resolve("standby.signal")).getName()).isEqualTo("postgres");
    }
    assertThat(a.wasPrimary()).as("pg_rewind leaves 'in archive recovery'").isFalse();

    follow(a, b);
    a.start();
    assertFollows(a, b, 2);
    assertThat(origins(a)).containsExactly("b-after-promote", "common");
    assertThat(show(a, "port")).isEqualTo(Integer.toString(a.settings().port()));
    assertThat(a.status().receiverSlot()).hasValue("a");
  }

  @Test
  @Order(3)
  void rewindIsRefusedWhileRunning() {
    assertThatThrownBy(() -> a.rewind("127.0.0.1", b.settings().port(), true)).isInstanceOf(PostgresException.class)
        .hasMessageContaining("pg_rewind refused").hasMessageContaining("is running");
    assertThatThrownBy(a::crashRecovery).isInstanceOf(PostgresException.class).hasMessageContaining("is running");
    assertThatThrownBy(a::wipeDataDirectory).isInstanceOf(PostgresException.class).hasMessageContaining("is running");
    assertThat(a.dataDirectoryState()).isEqualTo(DataDirectory.INITIALIZED);
  }

  @Test
  @Order(4)
  void failedRewindReportsPgRewindsMessageAndLeavesTheReplicaUsable() throws Exception {
    a.stop(StopMode.FAST, STOP);
    assertThat(a.wasPrimary()).as("cleanly stopped replica").isFalse();
    assertThat(a.controlData().clusterState()).isEqualTo("shut down in recovery");

    int unused = TestPg.freePort();
    assertThatThrownBy(() -> a.rewind("127.0.0.1", unused, true)).isInstanceOf(PostgresException.class)
        .hasMessageContaining("pg_rewind -D " + a.settings().dataDir())
        .hasMessageContaining("exited with code 1")
        .hasMessageContaining("port " + unused + " failed: Connection refused");
    assertThat(a.controlData().clusterState()).isEqualTo("shut down in recovery");
  }

  @Test
  @Order(5)
  void replicaThatDidNotDivergeNeedsNoRewindAndFollows() throws Exception {
    execute(b, "INSERT INTO t VALUES (3, 'b-while-a-down')");
    LocalPostgres.RewindResult result = a.rewind("127.0.0.1", b.settings().port(), true);
    System.out.println("rewind of a replica that did not diverge:\n" + result.output());
    assertThat(result.rewound()).isFalse();
    assertThat(result.output()).contains("no rewind required");
    follow(a, b);
    a.start();
    assertFollows(a, b, 2);
    assertThat(origins(a)).containsExactly("b-after-promote", "b-while-a-down", "common");
  }

  @Test
  @Order(6)
  void crashedPrimaryIsRecoveredAndRewound() throws Exception {
    // split brain: A promoted while B still writes on timeline 2
    a.promote();
    assertThat(a.status().timeline()).isEqualTo(3);
    execute(a, "INSERT INTO t SELECT g, 'a-split' FROM generate_series(2000, 3000) g");
    execute(b, "INSERT INTO t VALUES (4, 'b-during-split')");

    CountDownLatch fired = new CountDownLatch(1);
    AtomicLong firedAt = new AtomicLong();
    AtomicInteger replaced = new AtomicInteger();
    a.watchPostmaster(replaced::incrementAndGet);
    a.watchPostmaster(() -> { // re-arming replaces the first callback
      firedAt.set(System.nanoTime());
      fired.countDown();
    });
    long pid = a.postmasterPid().orElseThrow();
    long killedAt = System.nanoTime();
    Postmaster.signal(pid, "KILL");
    assertThat(fired.await(1, TimeUnit.SECONDS)).as("watch fired within 1 s").isTrue();
    long latencyMs = TimeUnit.NANOSECONDS.toMillis(firedAt.get() - killedAt);
    System.out.println("postmaster watch fired " + latencyMs + " ms after kill -9");
    assertThat(latencyMs).isLessThan(500);
    assertThat(replaced).hasValue(0);
    assertThat(a.isRunning()).isFalse();
    assertThat(a.controlData().clusterState()).isEqualTo("in production");
    assertThat(a.wasPrimary()).as("crashed primary").isTrue();
    assertThat(a.rewindPossible()).isTrue();

    long started = System.nanoTime();
    LocalPostgres.RewindResult result = a.rewind("127.0.0.1", b.settings().port(), true); // runs crash recovery itself
    System.out.println("crash recovery + rewind: " + ms(started) + " ms\n" + result.output());
    assertThat(result.rewound()).isTrue();

    follow(a, b);
    a.start();
    assertFollows(a, b, 2);
    assertThat(origins(a)).containsExactly("b-after-promote", "b-during-split", "b-while-a-down", "common");
  }

  @Test
  @Order(7)
  void crashedStandbyThatDidNotDivergeIsLeftAlone() throws Exception {
    Postmaster.signal(a.postmasterPid().orElseThrow(), "KILL");
    await().atMost(WAIT).until(() -> !a.isRunning());
    ControlData crashed = a.controlData();
    assertThat(crashed.clusterState()).isEqualTo("in archive recovery");
    assertThat(a.wasPrimary()).as("crashed replica").isFalse();
    a.crashRecovery(); // not for standbys
    execute(b, "INSERT INTO t SELECT g, 'b-while-a-crashed' FROM generate_series(1, 1000) g");

    int unused = TestPg.freePort();
    assertThatThrownBy(() -> a.rewind("127.0.0.1", unused, true)).isInstanceOf(PostgresException.class)
        .hasMessageContaining("could not be asked for its timeline");
    LocalPostgres.RewindResult result = a.rewind("127.0.0.1", b.settings().port(), true);
    System.out.println("rewind of a crashed replica that did not diverge: " + result.output());
    assertThat(result.rewound()).isFalse();
    assertThat(result.output()).contains("has not diverged");
    assertThat(a.controlData().raw()).as("pg_control untouched").isEqualTo(crashed.raw());
    assertThat(a.settings().dataDir().resolve("standby.signal")).exists();

    follow(a, b);
    a.start();
    assertFollows(a, b, 2);
    assertThat(origins(a)).contains("b-while-a-crashed");
  }

  @Test
  @Order(8)
  void crashedStandbyThatDivergedIsRecoveredAndRewound() throws Exception {
    a.promote();
    execute(a, "INSERT INTO t SELECT g, 'a-split-again' FROM generate_series(1, 1000) g");
    a.stop(StopMode.FAST, STOP);
    // demoted without an upstream, then crashed: a standby on its own timeline 3
    a.writeConfig(parameters(a), Optional.of(RecoveryTarget.none()));
    a.start();
    assertThat(a.status().inRecovery()).isTrue();
    Postmaster.signal(a.postmasterPid().orElseThrow(), "KILL");
    await().atMost(WAIT).until(() -> !a.isRunning());
    assertThat(a.controlData().clusterState()).isEqualTo("in archive recovery");
    assertThat(a.controlData().minRecoveryEndingTimeline()).isEqualTo(3);
    assertThat(a.wasPrimary()).isFalse();
    execute(b, "INSERT INTO t VALUES (5, 'b-after-second-split')");

    LocalPostgres.RewindResult result = a.rewind("127.0.0.1", b.settings().port(), true);
    System.out.println("crash recovery + rewind of a diverged standby:\n" + result.output());
    assertThat(result.rewound()).isTrue();
    follow(a, b);
    a.start();
    assertFollows(a, b, 2);
    assertThat(origins(a)).contains("b-after-second-split").doesNotContain("a-split-again", "a-split", "a-diverged");
  }

  /** Patroni's check, not pg_rewind, lets a cleanly switched-over primary follow: it works with use_pg_rewind off. */
  @Test
  @Order(9)
  void aCleanSwitchoverNeedsNoRewindBothWays() throws Exception {
    switchOver(b, a);
    switchOver(a, b);
    assertThat(origins(a)).contains("before-switchover-to-a", "before-switchover-to-b");
  }

  private void switchOver(LocalPostgres primary, LocalPostgres replica) throws Exception {
    execute(primary, "INSERT INTO t VALUES (6, 'before-switchover-to-" + replica.settings().memberName() + "')");
    primary.stop(StopMode.FAST, STOP);
    long checkpoint = primary.controlData().latestCheckpointLsn();
    await().atMost(WAIT).until(() -> replica.status().replayLsn() > checkpoint);
    replica.promote();
    replica.syncSlots(SlotTarget.physical(Set.of(primary.settings().memberName())));
    int timeline = replica.status().timeline();
    ControlData stopped = primary.controlData();
    LocalPostgres.RewindResult result = primary.rewind("127.0.0.1", replica.settings().port(), false);
    System.out.println("switchover to " + replica.settings().memberName() + ": " + result.output());
    assertThat(result.rewound()).isFalse();
    assertThat(result.output()).contains("has not diverged from 127.0.0.1:" + replica.settings().port())
        .endsWith(": no rewind required");
    assertThat(primary.controlData().raw()).as("pg_control untouched").isEqualTo(stopped.raw());
    follow(primary, replica);
    primary.start();
    assertFollows(primary, replica, timeline);
  }

  @Test
  @Order(10)
  void crashRecoveryOfAKilledPrimaryAndStateOfAKilledReplica() throws Exception {
    CountDownLatch aExited = new CountDownLatch(1);
    a.watchPostmaster(aExited::countDown);
    b.stopWatchingPostmaster();
    Postmaster.signal(b.postmasterPid().orElseThrow(), "KILL");
    await().atMost(WAIT).until(() -> !b.isRunning());
    assertThat(b.wasPrimary()).as("crashed primary").isTrue();
    long started = System.nanoTime();
    b.crashRecovery();
    System.out.println("single-user crash recovery: " + ms(started) + " ms");
    assertThat(b.controlData().clusterState()).isEqualTo("shut down");
    assertThat(b.wasPrimary()).isTrue();
    b.crashRecovery(); // already clean: no-op
    assertThat(b.controlData().clusterState()).isEqualTo("shut down");

    assertThat(aExited.getCount()).as("A still runs").isEqualTo(1);
    Postmaster.signal(a.postmasterPid().orElseThrow(), "KILL");
    assertThat(aExited.await(1, TimeUnit.SECONDS)).isTrue();
    assertThat(a.controlData().clusterState()).isEqualTo("in archive recovery");
    assertThat(a.wasPrimary()).as("crashed replica").isFalse();
    a.crashRecovery(); // a standby is not recovered by this
    assertThat(a.controlData().clusterState()).isEqualTo("in archive recovery");

    // a watch armed while nothing runs fires at once
    CountDownLatch immediately = new CountDownLatch(1);
    a.watchPostmaster(immediately::countDown);
    assertThat(immediately.await(1, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @Order(11)
  void wipesTheDataDirectoryForAReclone() throws Exception {
    Path dataA = a.settings().dataDir();
    a.wipeDataDirectory();
    assertThat(dataA).isDirectory();
    assertThat(listNames(dataA)).isEmpty();
    assertThat(a.dataDirectoryState()).isEqualTo(DataDirectory.MISSING_OR_EMPTY);
    a.wipeDataDirectory(); // nothing left: fine
    assertThatThrownBy(a::rewindPossible).isInstanceOf(PostgresException.class).hasMessageContaining("no cluster");
  }

  private void assertFollows(LocalPostgres replica, LocalPostgres primary, int timeline) throws Exception {
    long target = primary.status().writeLsn();
    await().atMost(WAIT).until(() -> replica.status().replayLsn() >= target);
    PgStatus status = replica.status();
    assertThat(status.inRecovery()).isTrue();
    assertThat(status.timeline()).isEqualTo(timeline);
    assertThat(status.receiverConninfo()).hasValueSatisfying(c ->
        assertThat(c).contains("port=" + primary.settings().port()));
    String name = replica.settings().memberName();
    await().atMost(WAIT).until(() -> primary.status().replication().stream()
        .anyMatch(r -> r.applicationName().equals(name) && r.state().equals("streaming")));
  }

  private static long ms(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  private static List<String> listNames(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static void execute(LocalPostgres pg, String... sql) throws SQLException {
    try (Connection c = TestPg.connect(pg.settings()); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  private static List<String> origins(LocalPostgres pg) throws SQLException {
    try (Connection c = TestPg.connect(pg.settings()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT DISTINCT origin FROM t ORDER BY 1")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
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
