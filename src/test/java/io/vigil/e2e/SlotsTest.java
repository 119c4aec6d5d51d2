package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Permanent slots on a real 3-node cluster with {@code wal_level: logical}: a logical slot {@code cdc} in
 * {@code /config} survives a kill -9 of the leader without losing a change for its consumer; {@code ignore_slots}
 * keeps a slot made by hand; bad entries are reported once and do not stop the others. n3 is tagged {@code nostream}
 * (and {@code nofailover}): it replays the leader's WAL from the archive only. n4 cascades from n2
 * ({@code replicatefrom}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlotsTest {

  private static final String SLOTS = """
          slots:
            cdc:
              type: logical
              database: postgres
              plugin: test_decoding
            archive_copy:
              type: physical
            Bad-Name:
              type: physical
            broken:
              database: postgres
              plugin: no_such_plugin
          ignore_slots:
          - name: manual
      """;
  private static final Pattern INSERTED = Pattern.compile("table public\\.cdc_t: INSERT: id\\[integer\\]:(\\d+)");
  private static final Duration FAILOVER = Duration.ofSeconds(45);
  private static final String ARCHIVE_ONLY = "n3";
  private static final String CASCADE = "n4";
  private ProcessCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = new ProcessCluster(4);
    Path archive = Files.createDirectories(cluster.files.base.resolve("archive"));
    if (ClusterFixture.ROOT) {
      ClusterFixture.chownToPostgres(archive);
    }
    for (Path yml : cluster.files.configs) {
      String config = Files.readString(yml).replace("        wal_level: replica\n", "        wal_level: logical\n"
              + "        archive_mode: 'on'\n        archive_command: 'test ! -f " + archive + "/%f && cp %p " + archive
              + "/%f'\n")
          .replace("    maximum_lag_on_failover: 1048576\n", "    maximum_lag_on_failover: 1048576\n" + SLOTS);
      if (yml.getParent().getFileName().toString().equals(ARCHIVE_ONLY)) {
        config = config.replace("    unix_socket_directories:", "    restore_command: 'cp " + archive + "/%f %p'\n"
            + "    unix_socket_directories:").replace("  nofailover: false\n", "  nofailover: true\n  nostream: true\n");
      }
      if (yml.getParent().getFileName().toString().equals(CASCADE)) {
        config = config.replace("  nosync: false\n", "  nosync: false\n  replicatefrom: n2\n");
      }
      Files.writeString(yml, config);
    }
    // n1 first, so that it bootstraps the cluster and leads: the failover below is then to n2
    cluster.start("n1");
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.rest("n1", "/primary") == 200);
    cluster.start("n2");
    cluster.start(ARCHIVE_ONLY);
    cluster.start(CASCADE);
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
        .until(() -> cluster.streamingFrom("n1").equals(List.of("n2")) && cluster.rest("n2", "/replica") == 200
            && cluster.rest(ARCHIVE_ONLY, "/replica") == 200 && cluster.streamingFrom("n2").equals(List.of(CASCADE)));
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  @Order(1)
  void permanentSlotsAreCreatedBadOnesReportedOnceAndIgnoredOnesKept() throws Exception {
    String leader = cluster.leader();
    await().atMost(Duration.ofSeconds(20)).until(() -> slots(leader).containsAll(List.of("cdc", "archive_copy")));
    execute(leader, "SELECT pg_create_physical_replication_slot('manual')",
        "SELECT pg_create_physical_replication_slot('stray')");
    await().atMost(Duration.ofSeconds(20)).until(() -> !slots(leader).contains("stray"));
    assertThat(slots(leader)).as("ignore_slots").contains("manual").doesNotContain("broken");
    String log = cluster.log(leader);
    assertThat(warnings(log, "'Bad-Name'")).as("one warning, not one per cycle").hasSize(1);
    assertThat(warnings(log, "no_such_plugin")).as("one warning, not one per cycle").hasSize(1);
  }

  @Test
  @Order(2)
  void aCascadingReplicaStreamsFromItsParentWhichKeepsItsSlot() throws Exception {
    assertThat(slots("n1")).as("the leader keeps no slot for n4").doesNotContain(CASCADE);
    assertThat(slots("n2")).contains(CASCADE);
    assertThat(text(CASCADE, "SHOW primary_conninfo")).contains("port=" + cluster.files.pgPorts.get(1));
    assertThat(text(CASCADE, "SHOW primary_slot_name")).isEqualTo(CASCADE);
  }

  @Test
  @Order(3)
  void aNostreamReplicaHasNoPrimaryConninfoNoSlotUpstreamAndGetsRowsFromTheArchive() throws Exception {
    String leader = cluster.leader();
    assertThat(slots(leader)).doesNotContain(ARCHIVE_ONLY).contains("n2");
    assertThat(text(ARCHIVE_ONLY, "SHOW primary_conninfo")).isEmpty();
    assertThat(number(ARCHIVE_ONLY, "SELECT count(*) FROM pg_stat_wal_receiver")).isZero();
    assertThat(slots(ARCHIVE_ONLY)).as("no logical copy without a stream to hold it").doesNotContain("cdc");
    execute(leader, "CREATE TABLE archived(x int)", "INSERT INTO archived SELECT generate_series(1, 100)",
        "SELECT pg_switch_wal()");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> archivedRows() == 100);
  }

  @Test
  @Order(4)
  void aConsumerOfThePermanentLogicalSlotMissesNoChangeWhenTheLeaderIsKilled() throws Exception {
    String old = cluster.leader();
    long created = restartLsn(old);
    execute(old, "CREATE TABLE cdc_t(id int PRIMARY KEY)", "INSERT INTO cdc_t SELECT generate_series(1, 10)");
    List<Integer> first = new ArrayList<>(consume(old));
    // The slot was made at bootstrap, before the replicas were cloned, so its restart_lsn is in WAL they never had:
    // a copy is usable only once decoding passed a running-transactions record (a CHECKPOINT logs one) and moved it.
    for (int round = 0; round < 2; round++) {
      execute(old, "CHECKPOINT", "INSERT INTO cdc_t VALUES (" + (-round - 1) + ")");
      first.addAll(consume(old));
    }
    first.removeIf(id -> id < 0);
    assertThat(first).as("the consumer's first batch").containsExactlyElementsOf(range(1, 10));
    long restart = restartLsn(old);
    assertThat(restart).as("the leader's slot moved on").isGreaterThan(created);
    long confirmed = confirmedFlush(old);
    execute(old, "INSERT INTO cdc_t SELECT generate_series(11, 20)");
    long written = walPosition(old);
    List<String> replicas = cluster.names().stream().filter(n -> !n.equals(old) && !n.equals(ARCHIVE_ONLY)).toList();
    // The copies must have reached the consumer's position: a failover loses at most what the consumer had not
    // confirmed, and the WAL after it is on every replica.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> replicas.stream()
        .allMatch(r -> confirmedFlushOrZero(r) >= confirmed && restartLsnOrZero(r) >= restart && replayed(r) >= written));

    cluster.killAgent(old);
    cluster.killPostmaster(old);
    String next = await().atMost(FAILOVER).pollInterval(Duration.ofMillis(200))
        .until(cluster::writablePrimary, Optional::isPresent).get();
    assertThat(next).isNotEqualTo(old);
    assertThat(slots(next)).contains("cdc");
    execute(next, "INSERT INTO cdc_t VALUES (21)");
    List<Integer> resumed = consume(next);
    resumed.removeIf(id -> id < 0);
    assertThat(new TreeSet<>(resumed)).as("every change after the consumer's last confirmed position, "
        + "perhaps again some it had confirmed (at-least-once)").containsAll(range(11, 21));
    assertThat(resumed).as("the copy was advanced to the consumer's position: what it confirmed does not come again")
        .doesNotContainAnyElementsOf(range(1, 10));
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  /** Reads and confirms every change in the slot, as a consumer with {@code pg_logical_slot_get_changes} does. */
  private List<Integer> consume(String node) throws SQLException {
    List<Integer> ids = new ArrayList<>();
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT data FROM pg_logical_slot_get_changes('cdc', NULL, NULL)")) {
      while (rs.next()) {
        Matcher m = INSERTED.matcher(rs.getString(1));
        if (m.find()) {
          ids.add(Integer.parseInt(m.group(1)));
        }
      }
    }
    return ids;
  }

  private List<String> slots(String node) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT slot_name FROM pg_replication_slots ORDER BY 1")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  private long confirmedFlush(String node) throws SQLException {
    return number(node, "SELECT confirmed_flush_lsn - '0/0' FROM pg_replication_slots WHERE slot_name = 'cdc'");
  }

  private long restartLsn(String node) throws SQLException {
    return number(node, "SELECT restart_lsn - '0/0' FROM pg_replication_slots WHERE slot_name = 'cdc'");
  }

  private long restartLsnOrZero(String node) {
    try {
      return restartLsn(node);
    } catch (SQLException e) {
      return 0;
    }
  }

  private long confirmedFlushOrZero(String node) {
    try {
      return confirmedFlush(node);
    } catch (SQLException e) {
      return 0;
    }
  }

  private long walPosition(String node) throws SQLException {
    return number(node, "SELECT pg_current_wal_lsn() - '0/0'");
  }

  private long replayed(String node) {
    try {
      return number(node, "SELECT pg_last_wal_replay_lsn() - '0/0'");
    } catch (SQLException e) {
      return 0;
    }
  }

  private long archivedRows() {
    try {
      return number(ARCHIVE_ONLY, "SELECT count(*) FROM archived");
    } catch (SQLException e) {
      return -1; // the table has not arrived yet
    }
  }

  private String text(String node, String sql) throws SQLException {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private long number(String node, String sql) throws SQLException {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private void execute(String node, String... sql) throws SQLException {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  private static List<String> warnings(String text, String needle) {
    return text.lines().filter(l -> l.contains(" WARN ") && l.contains(needle)).toList();
  }
}
