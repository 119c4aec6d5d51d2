package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.agent.cli.VigilCtl;
import io.vigil.agent.daemon.Node;
import io.vigil.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Synchronous replication on a real 3-node cluster, switched at run time as an operator does it: what PostgreSQL
 * waits for ({@code synchronous_standby_names}, {@code pg_stat_replication.sync_state}), what {@code /sync} says,
 * what {@code list} and the health checks show, and that only a synchronous standby is ever promoted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SyncReplicationTest {

  private static final String SYNC = "/service/" + ClusterFixture.SCOPE + "/sync";

  private ClusterFixture cluster;
  private CuratorFramework zk;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  @BeforeAll
  void startCluster() throws Exception {
    cluster = new ClusterFixture(3);
    cluster.startAll();
    zk = CuratorFrameworkFactory.newClient(cluster.zk.getConnectString(), new RetryOneTime(100));
    zk.start();
    try (Connection c = cluster.connect(awaitHealthy()); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE acked (id bigint PRIMARY KEY)");
    }
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (zk != null) {
      zk.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void healthy() {
    awaitHealthy();
  }

  @Test
  @Order(1)
  void switchingToSynchronousModeAtRunTimeMakesOneReplicaSynchronous() throws Exception {
    Node leader = cluster.leader();
    assertThat(setting(leader)).isEmpty();
    assertThat(znode(SYNC)).isNull();

    assertThat(ctl("edit-config", "-s", "synchronous_mode=true", "--force")).isZero();
    String standby = awaitSyncStandby(leader);
    Node sync = node(standby);
    Node async = cluster.replicas().stream().filter(n -> n != sync).findFirst().orElseThrow();
    assertThat(syncStates(leader)).containsExactlyInAnyOrder(standby + "=sync", name(async) + "=async");
    assertThat(setting(leader)).isEqualTo(standby);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(get(sync, "/sync")).isEqualTo(200);
      assertThat(get(sync, "/async")).isEqualTo(503);
      assertThat(get(async, "/async")).isEqualTo(200);
      assertThat(get(async, "/sync")).isEqualTo(503);
      assertThat(get(leader, "/read-only-sync")).isEqualTo(200);
    });
    assertThat(body(sync, "/metrics")).contains("patroni_sync_standby{scope=\"e2e\"} 1");
    String list = ctlOut("list");
    assertThat(list.lines().filter(l -> l.contains(" " + standby + " ")).findFirst().orElse(""))
        .contains("Sync Standby");
    assertThat(list.lines().filter(l -> l.contains(" " + name(async) + " ")).findFirst().orElse(""))
        .contains("Replica");
  }

  /** Strict mode: with no replica at all, a commit waits (wait event SyncRep) until one comes back. */
  @Test
  @Order(2)
  void inStrictModeAWriteWaitsForAReplica() throws Exception {
    assertThat(ctl("edit-config", "-s", "synchronous_mode_strict=true", "--force")).isZero();
    Node leader = cluster.leader();
    List<Node> replicas = cluster.replicas();
    for (Node r : replicas) {
      r.shutdown();
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(setting(leader)).isEqualTo("*");
      assertThat(znode(SYNC)).isEqualTo("{\"leader\":\"" + name(leader) + "\",\"sync_standby\":null}");
    });
    CompletableFuture<Void> write = CompletableFuture.runAsync(() -> insert(leader, 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> waitingForSyncRep(leader));
    assertThat(write).isNotDone();

    restart(replicas.get(0));
    write.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(awaitSyncStandby(leader)).isEqualTo(name(replicas.get(0)));
    restart(replicas.get(1));
  }

  /**
   * synchronous_node_count 1: the synchronous standby's PostgreSQL is killed while writes run. The leader names a
   * standby that streams (the other one, or the killed one once its agent restarted it) and writes resume.
   */
  @Test
  @Order(3)
  void writesResumeWhenTheSyncStandbyIsKilled() throws Exception {
    Node leader = cluster.leader();
    String killed = awaitSyncStandby(leader);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong longestWaitMs = new AtomicLong();
    AtomicLong committed = new AtomicLong();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      long id = 1_000;
      try (Connection c = cluster.connect(leader); Statement s = c.createStatement()) {
        while (running.get()) {
          long started = System.nanoTime();
          s.execute("INSERT INTO acked VALUES (" + id++ + ")");
          longestWaitMs.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
          committed.incrementAndGet();
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> committed.get() > 50);
    killPostmaster(node(killed));
    long after = committed.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> committed.get() > after + 50);
    running.set(false);
    writer.get(30, java.util.concurrent.TimeUnit.SECONDS);
    String now = awaitSyncStandby(leader);
    System.out.printf("sync standby %s killed: longest commit wait %d ms; sync standby now %s%n", killed,
        longestWaitMs.get(), now);
    assertThat(syncStates(leader)).contains(now + "=sync");
  }

  /** The leader dies: only the synchronous standby may take over, never the asynchronous one. */
  @Test
  @Order(4)
  void aFailoverPromotesTheSynchronousStandby() throws Exception {
    Node leader = cluster.leader();
    String sync = awaitSyncStandby(leader);
    leader.close();
    killPostmaster(leader);
    Node next = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(
        () -> cluster.nodes.stream().filter(n -> n != leader && n.status().holdsLock() && n.status().postgresPrimary())
            .findFirst().orElse(null), n -> n != null);
    assertThat(name(next)).isEqualTo(sync);
    // what the failover cost, as the new leader measured it: in /history (vigilctl history) and /metrics
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ctlOut("history", "-f", "tsv").strip().lines()
        .reduce((a, b) -> b).orElse("")).contains("after the leader lock was gone, 0 acknowledged bytes at risk"));
    assertThat(body(next, "/metrics")).contains("vigil_last_failover_bytes_at_risk{scope=\"e2e\"} 0")
        .containsPattern("vigil_last_failover_seconds\\{scope=\"e2e\"\\} \\d+\\.\\d+");
    restart(leader);
  }

  /** Quorum commit (Patroni 4's synchronous_mode: quorum): any 1 of both replicas, and /sync says so. */
  @Test
  @Order(5)
  void quorumModeWaitsForAnyOfTheReplicas() throws Exception {
    Node leader = cluster.leader();
    List<Node> replicas = cluster.replicas();
    List<String> names = replicas.stream().map(SyncReplicationTest::name).sorted().toList();
    assertThat(ctl("edit-config", "-s", "synchronous_mode=quorum", "--force")).isZero();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(setting(leader)).isEqualTo("ANY 1 (" + String.join(",", names) + ")");
      assertThat(znode(SYNC)).isEqualTo("{\"leader\":\"" + name(leader) + "\",\"quorum\":1,\"sync_standby\":\""
          + String.join(",", names) + "\"}");
    });
    assertThat(syncStates(leader)).containsExactly(names.get(0) + "=quorum", names.get(1) + "=quorum");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (Node r : replicas) {
        assertThat(get(r, "/quorum")).isEqualTo(200);
        assertThat(get(r, "/sync")).isEqualTo(503);
      }
      assertThat(get(leader, "/read-only-quorum")).isEqualTo(200);
    });
    assertThat(body(replicas.get(0), "/metrics")).contains("patroni_quorum_standby{scope=\"e2e\"} 1");
    assertThat(ctlOut("list").lines().filter(l -> l.contains("Quorum Standby")).count()).isEqualTo(2);
  }

  @Test
  @Order(6)
  void switchingBackToAsynchronousClearsSyncAndTheSetting() throws Exception {
    Node leader = cluster.leader();
    assertThat(ctl("edit-config", "-s", "synchronous_mode=false", "-s", "synchronous_mode_strict=false", "--force"))
        .isZero();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(setting(leader)).isEmpty();
      assertThat(znode(SYNC)).isEqualTo("{}");
      assertThat(syncStates(leader)).allMatch(s -> s.endsWith("=async")).hasSize(2);
    });
    try (Connection c = cluster.connect(leader); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM acked")) {
      rs.next();
      assertThat(rs.getLong(1)).as("every acknowledged row survived the failover").isGreaterThan(100);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private Node awaitHealthy() {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
    return cluster.leader();
  }

  /** The standby {@code /sync} lists once PostgreSQL on the leader waits for it. */
  private String awaitSyncStandby(Node leader) {
    String prefix = "{\"leader\":\"" + name(leader) + "\",\"sync_standby\":\"";
    String value = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> znode(SYNC), v -> v != null && v.startsWith(prefix));
    return value.substring(prefix.length(), value.length() - 2);
  }

  private void restart(Node old) throws Exception {
    int i = cluster.nodes.indexOf(old);
    Node fresh = new Node(ConfigLoader.load(cluster.configs.get(i)), cluster.configs.get(i));
    fresh.start();
    cluster.nodes.set(i, fresh);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> "running".equals(fresh.status().state()) && "replica".equals(fresh.status().role()));
  }

  private static void killPostmaster(Node n) throws Exception {
    String pid = Files.readAllLines(n.config().postgresql().dataDir().resolve("postmaster.pid")).get(0).strip();
    assertThat(new ProcessBuilder("kill", "-9", pid).start().waitFor()).isZero();
  }

  private void insert(Node leader, long id) {
    try (Connection c = cluster.connect(leader); Statement s = c.createStatement()) {
      s.execute("INSERT INTO acked VALUES (" + id + ")");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean waitingForSyncRep(Node leader) throws SQLException {
    try (Connection c = cluster.connect(leader); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }

  private String setting(Node n) throws SQLException {
    try (Connection c = cluster.connect(n); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW synchronous_standby_names")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private List<String> syncStates(Node leader) throws SQLException {
    List<String> states = new ArrayList<>();
    try (Connection c = cluster.connect(leader); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT application_name, sync_state FROM pg_stat_replication "
             + "WHERE state = 'streaming' ORDER BY 1")) {
      while (rs.next()) {
        states.add(rs.getString(1) + "=" + rs.getString(2));
      }
    }
    return states;
  }

  private Node node(String name) {
    return cluster.nodes.stream().filter(n -> name(n).equals(name)).findFirst().orElseThrow();
  }

  private int get(Node n, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.restPort() + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private String body(Node n, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.restPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private String znode(String path) throws Exception {
    return zk.checkExists().forPath(path) == null ? null
        : new String(zk.getData().forPath(path), StandardCharsets.UTF_8);
  }

  private int ctl(String... args) {
    return runCtl(args, new ByteArrayOutputStream());
  }

  private String ctlOut(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(runCtl(args, out)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  private int runCtl(String[] args, ByteArrayOutputStream out) {
    String[] all = new String[args.length + 2];
    all[0] = "-c";
    all[1] = cluster.configs.get(0).toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return VigilCtl.run(all, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private static String name(Node n) {
    return n.config().name();
  }
}
