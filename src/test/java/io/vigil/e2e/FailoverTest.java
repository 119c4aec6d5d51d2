package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Unplanned events on a real 3-node cluster of agent processes (ttl 10, loop_wait 2,
 * retry_timeout 3): crashes, kills, a ZooKeeper outage, divergence and lag. The scenarios share
 * one cluster and run in order; each starts from a healthy cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverTest {

  private static final Duration TTL = Duration.ofSeconds(10);
  /** ttl, ZooKeeper's rounding of the session expiry, the leader race and the promotion, on a busy 2-core machine. */
  private static final Duration FAILOVER = TTL.plusSeconds(35);
  private ProcessCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = new ProcessCluster(3);
    cluster.startAll();
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
  }

  @BeforeEach
  void healthy() {
    cluster.awaitHealthy(Duration.ofSeconds(90));
  }

  @Test
  @Order(1)
  void crashedPostmasterOfTheLeaderIsRestartedInPlaceOnTheSameTimeline() throws Exception {
    String leader = cluster.leader();
    int timeline = cluster.timeline(leader);
    long t0 = System.nanoTime();
    cluster.killPostmaster(leader);
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> cluster.writable(leader));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(cluster.timeline(leader)).isEqualTo(timeline);
    await().atMost(Duration.ofSeconds(5)).until(cluster::writablePrimary, p -> p.equals(Optional.of(leader)));
    assertThat(cluster.log(leader)).contains("rule=START_AS_PRIMARY_WITH_LOCK");
    System.out.printf("postmaster crash: %s writable again after %d ms on timeline %d%n", leader, ms, timeline);
  }

  @Test
  @Order(2)
  void killingTheLeaderAgentAndPostmasterFailsOverAndTheOldNodeRejoins() throws Exception {
    String old = cluster.leader();
    long t0 = System.nanoTime();
    cluster.killAgent(old);
    cluster.killPostmaster(old);
    String next = await().atMost(FAILOVER).pollInterval(Duration.ofMillis(200))
        .until(cluster::writablePrimary, Optional::isPresent).get();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(next).isNotEqualTo(old);
    System.out.printf("failover: %s -> %s writable after %d ms%n", old, next, ms);
    cluster.start(old);
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.streamingFrom(next).contains(old));
    // streaming shows on the leader a moment before this node's agent publishes "running"
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.rest(old, "/replica"), status -> status == 200);
  }

  @Test
  @Order(3)
  void aDivergedOldPrimaryIsRewoundBeforeItFollows() throws Exception {
    String old = cluster.leader();
    int logBefore = cluster.log(old).length();
    // With its fence the old primary would stop before the failover and never diverge: kill both to get there.
    cluster.killAgentAndFence(old);
    String next = await().atMost(FAILOVER).pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.names().stream().filter(n -> !n.equals(old) && cluster.rest(n, "/primary") == 200)
            .findFirst(), Optional::isPresent).get();
    // The old PostgreSQL still runs as a primary with nobody managing it: a client writes to it directly.
    try (Connection c = cluster.connect(old); Statement s = c.createStatement()) {
      s.execute("INSERT INTO probe(node) VALUES ('diverged')");
    }
    cluster.start(old);
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.streamingFrom(next).contains(old));
    assertThat(countRows(old, "diverged")).isZero();
    assertThat(cluster.log(old).substring(logBefore)).contains("rule=REWIND_FROM_LEADER");
  }

  @Test
  @Order(4)
  void anOldPrimaryThatCannotBeRewoundIsClonedAgain() throws Exception {
    String old = cluster.leader();
    cluster.killAgentAndFence(old);
    String next = await().atMost(FAILOVER).pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.names().stream().filter(n -> !n.equals(old) && cluster.rest(n, "/primary") == 200)
            .findFirst(), Optional::isPresent).get();
    try (Connection c = cluster.connect(old); Statement s = c.createStatement()) {
      s.execute("INSERT INTO probe(node) VALUES ('diverged-2')");
    }
    useBinariesWithoutPgRewind(old);
    cluster.start(old);
    await().atMost(Duration.ofSeconds(90)).until(() -> cluster.streamingFrom(next).contains(old));
    assertThat(countRows(old, "diverged-2")).isZero();
    assertThat(cluster.log(old)).contains("removing the data directory to clone it again");
  }

  @Test
  @Order(5)
  void aLeaderThatLosesZooKeeperStopsAcceptingWritesWithinRetryTimeout() throws Exception {
    String leader = cluster.leader();
    long t0 = System.nanoTime();
    cluster.files.zk.stop();
    try {
      await().atMost(Duration.ofSeconds(3 + 2 + 5)).pollInterval(Duration.ofMillis(100))
          .until(() -> !cluster.writable(leader));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("zookeeper outage: %s stopped taking writes after %d ms%n", leader, ms);
      assertThat(cluster.rest(leader, "/primary")).isEqualTo(503);
    } finally {
      cluster.files.zk.restart();
    }
  }

  /**
   * A leader agent frozen (SIGSTOP, a VM pause of the agent alone) stops confirming the lock; its fence stops
   * PostgreSQL at ttl - safety_margin after the last confirmation, before the session (and the lock) can expire, so
   * the old primary's last direct write comes before the new primary's first. On SIGCONT the node rejoins as a
   * replica by itself.
   */
  @Test
  @Order(6)
  void aFrozenLeadersPostgresStopsTakingWritesBeforeAnotherNodeIsPromoted() throws Exception {
    String old = cluster.leader();
    int logBefore = cluster.log(old).length();
    List<String> others = cluster.names().stream().filter(n -> !n.equals(old)).toList();
    try (DirectWriters writers = new DirectWriters(cluster, cluster.names())) {
      await().atMost(Duration.ofSeconds(10)).until(() -> writers.lastOk(old) > 0);
      long frozenAt = System.nanoTime();
      cluster.signal(old, "STOP");
      try {
        String next = await().atMost(FAILOVER).pollInterval(Duration.ofMillis(100))
            .until(() -> others.stream().filter(n -> writers.firstOk(n) > frozenAt).findFirst(), Optional::isPresent)
            .get();
        long lastOld = writers.lastOk(old);
        long firstNew = writers.firstOk(next);
        System.out.printf("frozen leader %s: last write accepted %d ms after the freeze; %s took its first write "
            + "%d ms after the freeze%n", old, (lastOld - frozenAt) / 1_000_000, next, (firstNew - frozenAt) / 1_000_000);
        assertThat(lastOld).as("the old primary's last write comes before the new primary's first").isLessThan(firstNew);
        assertThat((lastOld - frozenAt) / 1_000_000).as("stopped by ttl - safety_margin (5 s) after the last "
            + "confirmation of the lock, i.e. before the lock could expire").isLessThan(TTL.toMillis() - 5_000 + 1_500);
        assertThat(cluster.writable(old)).isFalse();
      } finally {
        cluster.signal(old, "CONT");
      }
    }
    assertThat(cluster.log(old).substring(logBefore)).contains("the agent has not confirmed the leader lock for")
        .contains("stopping PostgreSQL");
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> cluster.rest(old, "/replica") == 200);
    try (Connection c = cluster.connect(old); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      assertThat(rs.getBoolean(1)).as("rejoined as a replica without manual steps").isTrue();
    }
  }

  @Test
  @Order(7)
  void aReplicaLaggingBeyondMaximumLagIsNeverPromoted() throws Exception {
    String leader = cluster.leader();
    String lagging = cluster.names().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
    String other = cluster.names().stream().filter(n -> !n.equals(leader) && !n.equals(lagging)).findFirst()
        .orElseThrow();
    assertThat(cluster.stopAgent(lagging)).isZero();
    assertThat(cluster.stopAgent(other)).isZero();
    long written;
    try (Connection c = cluster.connect(leader); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE bulk AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 40000) g");
      try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn() - '0/0'")) {
        rs.next();
        written = rs.getLong(1);
      }
    }
    // the lagging replica judges its lag against the optime the leader published
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.publishedOptime(), optime -> optime >= written);
    cluster.killAgent(leader);
    cluster.killPostmaster(leader);
    int logBefore = cluster.log(lagging).length();   // earlier tests may have logged the same words
    cluster.start(lagging);
    cluster.awaitLog(lagging, logBefore, "maximum_lag_on_failover", TTL.plusSeconds(30));
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.rest(lagging, "/primary"), status -> status == 503);
    try (Connection c = cluster.connect(lagging); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      assertThat(rs.getBoolean(1)).isTrue();
    }
  }

  /** systemctl reload: the agent re-reads its YAML and keeps running, and so does PostgreSQL. */
  @Test
  @Order(0)
  void sighupReloadsTheConfigurationWithoutStoppingAnything() throws Exception {
    String leader = cluster.leader();
    long postmaster = cluster.postmasterPid(leader).orElseThrow();
    int logBefore = cluster.log(leader).length();
    cluster.signal(leader, "HUP");
    cluster.awaitLog(leader, logBefore, "operator reload: configuration re-read and PostgreSQL configuration reloaded",
        Duration.ofSeconds(45));
    assertThat(cluster.log(leader)).contains("received SIGHUP");
    assertThat(cluster.agentAlive(leader)).isTrue();
    assertThat(cluster.postmasterPid(leader)).contains(postmaster);
    assertThat(cluster.writablePrimary()).contains(leader);
  }

  private long countRows(String node, String marker) throws Exception {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM probe WHERE node = '" + marker + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A bin_dir with every PostgreSQL binary except pg_rewind, so the rewind of this node fails. */
  private void useBinariesWithoutPgRewind(String node) throws Exception {
    Path bin = cluster.files.base.resolve(node + "-bin");
    Files.createDirectories(bin);
    try (Stream<Path> s = Files.list(Path.of(ClusterFixture.PG_BIN))) {
      for (Path tool : s.toList()) {
        if (!tool.getFileName().toString().equals("pg_rewind")) {
          Files.createSymbolicLink(bin.resolve(tool.getFileName()), tool);
        }
      }
    }
    Path cfg = cluster.files.configs.get(cluster.index(node));
    Files.writeString(cfg, Files.readString(cfg).replace("bin_dir: " + ClusterFixture.PG_BIN, "bin_dir: " + bin));
  }
}
