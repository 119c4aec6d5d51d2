package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.daemon.Daemon;
import io.vigil.agent.daemon.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The walking skeleton end to end: three agents bootstrap a cluster from an unchanged Patroni YAML,
 * elect one leader through ZooKeeper, clone two streaming replicas and answer health checks exactly
 * like Patroni 3.0.2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BootstrapClusterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private ClusterFixture cluster;
  private CuratorFramework zk;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void startCluster() throws Exception {
    cluster = new ClusterFixture(3);
    cluster.startAll();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
    zk = CuratorFrameworkFactory.newClient(cluster.zk.getConnectString(), new RetryOneTime(100));
    zk.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> streamingReplicas(cluster.leader()) == 2);
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

  @Test
  void onePrimaryAndTwoStreamingReplicas() throws Exception {
    Node leader = cluster.leader();
    assertThat(cluster.replicas()).hasSize(2);
    try (Connection c = cluster.connect(leader); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS e2e_probe(v text)");
      s.execute("INSERT INTO e2e_probe VALUES ('hello')");
    }
    for (Node replica : cluster.replicas()) {
      try (Connection c = cluster.connect(replica); Statement s = c.createStatement()) {
        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()");
        rs.next();
        assertThat(rs.getBoolean(1)).as("%s in recovery", replica.config().name()).isTrue();
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        try (Connection c = cluster.connect(replica); Statement s = c.createStatement()) {
          ResultSet rs = s.executeQuery("SELECT count(*) FROM e2e_probe WHERE v = 'hello'");
          return rs.next() && rs.getInt(1) == 1;
        } catch (java.sql.SQLException notYet) {
          return false;
        }
      });
    }
    Map<String, String> streaming = new LinkedHashMap<>();
    try (Connection c = cluster.connect(leader); Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT application_name, state FROM pg_stat_replication ORDER BY 1");
      while (rs.next()) {
        streaming.put(rs.getString(1), rs.getString(2));
      }
      rs = s.executeQuery("SELECT slot_name FROM pg_replication_slots WHERE active ORDER BY 1");
      List<String> slots = new ArrayList<>();
      while (rs.next()) {
        slots.add(rs.getString(1));
      }
      assertThat(slots).containsExactlyElementsOf(cluster.replicas().stream().map(n -> n.config().name()).toList());
    }
    assertThat(streaming).containsOnlyKeys(cluster.replicas().stream().map(n -> n.config().name()).toList());
    assertThat(streaming.values()).containsOnly("streaming");
  }

  @Test
  void bootstrapUsersExistOnEveryNode() throws Exception {
    List<Node> nodes = new ArrayList<>(cluster.replicas());
    nodes.add(cluster.leader());
    for (Node node : nodes) {
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        try (Connection c = cluster.connect(node); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolcanlogin, rolcreatedb, rolcreaterole, rolconnlimit,"
                 + " rolpassword IS NOT NULL FROM pg_authid WHERE rolname = 'app_owner'")) {
          assertThat(rs.next()).as("app_owner on %s", node.config().name()).isTrue();
          assertThat(List.of(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getInt(4), rs.getBoolean(5)))
              .containsExactly(true, true, false, 7, true);
        }
      });
    }
  }

  @Test
  void znodesHoldPatroniValues() throws Exception {
    String base = "/service/" + ClusterFixture.SCOPE;
    String leaderName = cluster.leader().config().name();
    Stat stat = new Stat();
    assertThat(new String(zk.getData().storingStatIn(stat).forPath(base + "/leader"), StandardCharsets.UTF_8))
        .isEqualTo(leaderName);
    assertThat(stat.getEphemeralOwner()).isNotZero();

    String sysid = new String(zk.getData().forPath(base + "/initialize"), StandardCharsets.UTF_8);
    assertThat(sysid).matches("\\d{10,}");

    String config = new String(zk.getData().forPath(base + "/config"), StandardCharsets.UTF_8);
    assertThat(config).isEqualTo("{\"ttl\":10,\"loop_wait\":2,\"retry_timeout\":3,\"maximum_lag_on_failover\":1048576,"
        + "\"postgresql\":{\"use_pg_rewind\":true,\"use_slots\":true,\"remove_data_directory_on_rewind_failure\":true,"
        + "\"remove_data_directory_on_diverged_timelines\":true,\"parameters\":{\"wal_level\":\"replica\","
        + "\"hot_standby\":\"on\",\"max_connections\":100,\"max_wal_senders\":10,\"max_replication_slots\":10,"
        + "\"wal_keep_size\":\"128MB\",\"wal_log_hints\":\"on\"}}}");

    String status = new String(zk.getData().forPath(base + "/status"), StandardCharsets.UTF_8);
    assertThat(status).matches("\\{\"optime\":\\d+\\}");

    for (Node n : cluster.nodes) {
      String name = n.config().name();
      Stat ms = new Stat();
      String member = new String(zk.getData().storingStatIn(ms).forPath(base + "/members/" + name), StandardCharsets.UTF_8);
      assertThat(ms.getEphemeralOwner()).as("member %s is ephemeral", name).isNotZero();
      String role = name.equals(leaderName) ? "master" : "replica";
      assertThat(member).matches("\\{\"conn_url\":\"postgres://127\\.0\\.0\\.1:" + n.config().postgresql().listen().port()
          + "/postgres\",\"api_url\":\"http://127\\.0\\.0\\.1:" + n.restPort() + "/patroni\",\"state\":\"running\","
          + "\"role\":\"" + role + "\",\"version\":\"3\\.0\\.2\",\"xlog_location\":\\d+,\"timeline\":1\\}");
    }
    assertThat(zk.checkExists().forPath(base + "/history")).as("no history on timeline 1").isNull();
  }

  /** Patroni 3.0.2's matrix (patroni-baseline.md, "REST status codes"), leader first, then a replica. */
  @Test
  void restStatusMatrixEqualsPatroni() throws Exception {
    String[][] matrix = {
        {"/patroni", "200", "200"}, {"/cluster", "200", "200"}, {"/history", "200", "200"},
        {"/config", "200", "200"}, {"/primary", "200", "503"}, {"/master", "200", "503"},
        {"/leader", "200", "503"}, {"/replica", "503", "200"}, {"/read-write", "200", "503"},
        {"/read-only", "200", "200"}, {"/standby-leader", "503", "503"}, {"/sync", "503", "503"},
        {"/async", "503", "200"}, {"/health", "200", "200"}, {"/liveness", "200", "200"},
        {"/readiness", "200", "200"}, {"/metrics", "200", "200"}, {"/replica?lag=1MB", "503", "200"},
        {"/asynchronous", "503", "200"}, {"/synchronous", "503", "503"},
    };
    Node leader = cluster.leader();
    List<String> mismatches = new ArrayList<>();
    for (String[] row : matrix) {
      check(mismatches, "GET", row[0], leader, Integer.parseInt(row[1]));
      for (Node replica : cluster.replicas()) {
        check(mismatches, "GET", row[0], replica, Integer.parseInt(row[2]));
      }
    }
    check(mismatches, "OPTIONS", "/primary", leader, 200);
    check(mismatches, "OPTIONS", "/replica", leader, 503);
    for (Node replica : cluster.replicas()) {
      check(mismatches, "OPTIONS", "/primary", replica, 503);
      check(mismatches, "OPTIONS", "/replica", replica, 200);
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void patroniDocumentDescribesTheNode() throws Exception {
    Map<?, ?> leaderDoc = JSON.readValue(get(cluster.leader(), "/patroni").body(), Map.class);
    assertThat(leaderDoc.get("role")).isEqualTo("master");
    assertThat(leaderDoc.get("state")).isEqualTo("running");
    assertThat(((Map<?, ?>) leaderDoc.get("xlog")).get("location")).isInstanceOf(Number.class);
    assertThat((List<?>) leaderDoc.get("replication")).hasSize(2);
    Node replica = cluster.replicas().get(0);
    Map<?, ?> replicaDoc = JSON.readValue(get(replica, "/patroni").body(), Map.class);
    assertThat(replicaDoc.get("role")).isEqualTo("replica");
    Map<?, ?> xlog = (Map<?, ?>) replicaDoc.get("xlog");
    assertThat(xlog.containsKey("received_location") && xlog.containsKey("replayed_location")).isTrue();
    assertThat(((Map<?, ?>) replicaDoc.get("patroni")).get("scope")).isEqualTo(ClusterFixture.SCOPE);
    Map<?, ?> clusterDoc = JSON.readValue(get(replica, "/cluster").body(), Map.class);
    assertThat((List<?>) clusterDoc.get("members")).hasSize(3);
  }

  @Test
  void aSecondAgentWithALiveMembersNameIsRefused() throws Exception {
    Node someone = cluster.replicas().get(0);
    String name = someone.config().name();
    var yml = cluster.base.resolve("dup-" + name + ".yml");
    java.nio.file.Files.writeString(yml, cluster.yaml(name, ClusterFixture.freePort(), ClusterFixture.freePort(),
        ClusterFixture.PG_BIN, cluster.base.resolve("dup")));
    Outcome o = runDaemon(yml.toString());
    assertThat(o.code).isEqualTo(1);
    assertThat(o.stderr).contains("already used by a live member").doesNotContain("Exception");
  }

  private void check(List<String> mismatches, String method, String path, Node n, int expected) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.restPort() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(3)).build();
    int code = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    if (code != expected) {
      mismatches.add(method + " " + path + " on " + n.config().name() + ": " + code + " != " + expected);
    }
  }

  private HttpResponse<String> get(Node n, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.restPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int streamingReplicas(Node leader) {
    try (Connection c = cluster.connect(leader); Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'");
      rs.next();
      return rs.getInt(1);
    } catch (java.sql.SQLException e) {
      return -1;
    }
  }

  record Outcome(int code, String stderr) {}

  static synchronized Outcome runDaemon(String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int code = Daemon.run(args);
      return new Outcome(code, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }
}
