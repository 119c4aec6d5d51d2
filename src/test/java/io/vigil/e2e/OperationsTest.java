package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.cli.CtlRun;
import io.vigil.agent.daemon.Node;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator's side on a real 3-node cluster (in-process agents, real ZooKeeper and PostgreSQL, REST
 * authentication on): every write endpoint of the REST API and every vigilctl verb, the refusals and that a
 * refused request changes nothing. The scenarios share the cluster and run in order; each starts healthy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsTest {

  private static final String BASE = "/service/" + ClusterFixture.SCOPE;
  private static final String AUTH = "Basic " + Base64.getEncoder()
      .encodeToString("admin:e2e-rest".getBytes(StandardCharsets.UTF_8));
  private static final ObjectMapper JSON = new ObjectMapper();

  private ClusterFixture cluster;
  private CuratorFramework zk;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  record Reply(int status, String body) {}

  @BeforeAll
  void startCluster() throws Exception {
    cluster = new ClusterFixture(0);
    for (int i = 1; i <= 3; i++) {
      String name = "n" + i;
      Path dir = cluster.nodeDir(name);
      int pgPort = ClusterFixture.freePort();
      String yaml = cluster.yaml(name, ClusterFixture.freePort(), pgPort, ClusterFixture.PG_BIN, dir)
          .replace("restapi:\n", "restapi:\n  authentication:\n    username: admin\n    password: e2e-rest\n")
          .replace("  callbacks:\n", "  before_stop: " + beforeStopScript(dir, pgPort) + "\n  callbacks:\n");
      Path yml = dir.resolve("patroni.yml");
      Files.writeString(yml, yaml);
      cluster.configs.add(yml);
    }
    cluster.startAll();
    zk = CuratorFrameworkFactory.newClient(cluster.zk.getConnectString(), new RetryOneTime(100));
    zk.start();
  }

  /** Appends its argument count and whether PostgreSQL still accepts connections to before_stop.log. */
  private static Path beforeStopScript(Path dir, int pgPort) throws IOException {
    Path script = dir.resolve("before_stop.sh");
    Files.writeString(script, "#!/bin/sh\nif " + ClusterFixture.PG_BIN + "/pg_isready -q -h 127.0.0.1 -p " + pgPort
        + "; then pg=accepting; else pg=down; fi\necho \"$# $pg\" >> " + dir.resolve("before_stop.log") + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
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
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
  }

  @Test
  @Order(1)
  void writesWithoutCredentialsAre401AndChangeNothing() throws Exception {
    String config = znode("/config");
    Reply r = rest(cluster.leader(), "POST", "/switchover", "{\"leader\":\"n1\"}", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body()).isEqualTo("no auth header received");
    r = rest(cluster.leader(), "PATCH", "/config", "{\"ttl\":20}",
        "Basic " + Base64.getEncoder().encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8)));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body()).isEqualTo("not authenticated");
    assertThat(znode("/config")).isEqualTo(config);
    assertThat(znode("/failover")).isNull();
  }

  /** Patroni runs no callback while bootstrapping; a replica that starts after its clone gets on_start. */
  @Test
  @Order(1)
  void callbacksAtBootstrap() throws Exception {
    for (Node replica : cluster.replicas()) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(callbackLog(replica)).startsWith("on_start replica e2e\n"));
    }
    assertThat(callbackLog(cluster.leader())).isEmpty();
  }

  @Test
  @Order(2)
  void readOnlyVerbs() throws Exception {
    String leader = name(cluster.leader());
    CtlRun list = ctl("", "list", "-f", "json");
    assertThat(list.code()).as(list.err()).isZero();
    List<?> rows = JSON.readValue(list.out(), List.class);
    assertThat(rows).hasSize(3);
    assertThat(ctl("", "topology").out()).contains("| " + leader + " ").contains("| + ");
    assertThat(ctl("", "show-config").out()).contains("loop_wait: 2\n").contains("    hot_standby: 'on'\n");
    assertThat(ctl("", "history").code()).isZero();
    assertThat(ctl("", "dsn").out()).isEqualTo("host=127.0.0.1 port=" + cluster.leader().config().postgresql()
        .listen().port() + "\n");
    assertThat(ctl("", "version", ClusterFixture.SCOPE).out()).contains(leader + ": Patroni 3.0.2 PostgreSQL 15.");
    CtlRun query = ctl("", "query", "-c", "SELECT 1 AS one, pg_is_in_recovery() AS recovery");
    assertThat(query.out()).as(query.err()).isEqualTo("one\trecovery\n1\tFalse\n");
    assertThat(ctl("", "query", "-r", "replica", "-c", "SELECT pg_is_in_recovery()").out())
        .isEqualTo("pg_is_in_recovery\nTrue\n");
  }

  @Test
  @Order(3)
  void refusedRequestsChangeNothing() throws Exception {
    Node leaderNode = cluster.leader();
    String leader = name(leaderNode);
    String replica = name(cluster.replicas().get(0));
    String config = znode("/config");
    // a member key whose REST API does not answer: it exists, but is no healthy replica
    try (CuratorFramework ghost = CuratorFrameworkFactory.newClient(cluster.zk.getConnectString(), new RetryOneTime(100))) {
      ghost.start();
      ghost.create().withMode(CreateMode.EPHEMERAL).forPath(BASE + "/members/ghost", ("{\"conn_url\":"
          + "\"postgres://127.0.0.1:1/postgres\",\"api_url\":\"http://127.0.0.1:" + ClusterFixture.freePort()
          + "/patroni\",\"state\":\"running\",\"role\":\"replica\",\"version\":\"3.0.2\"}").getBytes(StandardCharsets.UTF_8));
      expect(leaderNode, "POST", "/switchover", "{\"leader\":\"" + leader + "\",\"candidate\":\"ghost\"}",
          412, "switchover is not possible: no good candidates have been found");
      CtlRun r = ctl("", "switchover", "--candidate", "ghost", "--force");
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).isEqualTo(
          "Switchover failed, details: 412, switchover is not possible: no good candidates have been found\n");
    }
    expect(leaderNode, "POST", "/switchover", "{\"leader\":\"" + leader + "\",\"candidate\":\"nobody\"}",
        412, "candidate does not exists");
    expect(leaderNode, "POST", "/switchover", "{\"leader\":\"" + replica + "\"}", 412, "leader name does not match");
    expect(leaderNode, "POST", "/failover", "{\"leader\":\"" + leader + "\"}", 400,
        "Failover could be performed only to a specific candidate");
    expect(leaderNode, "POST", "/switchover", "{\"leader\":\"" + leader + "\",\"scheduled_at\":\"2020-01-01T00:00+00:00\"}",
        422, "Cannot schedule switchover in the past");
    expect(leaderNode, "POST", "/switchover", "{\"leader\":\"" + leader + "\",\"scheduled_at\":\"2099-01-01T00:00\"}",
        400, "Timezone information is mandatory for the scheduled switchover");
    assertThat(rest(leaderNode, "POST", "/switchover", "{\"leader\":", AUTH).status()).isEqualTo(400);
    Reply patch = rest(leaderNode, "PATCH", "/config", "{\"loop_wait\":\"soon\"}", AUTH);
    assertThat(patch.status()).isEqualTo(400);
    assertThat(patch.body()).startsWith("loop_wait:");
    patch = rest(leaderNode, "PATCH", "/config", "{\"postgresql\":{\"data_dir\":\"/tmp/elsewhere\"}}", AUTH);
    assertThat(patch.status()).isEqualTo(400);
    assertThat(patch.body()).startsWith("postgresql.data_dir: can not be set");
    assertThat(rest(leaderNode, "PUT", "/config", "{\"ttl\":[]}", AUTH).status()).isEqualTo(400);
    expect(leaderNode, "DELETE", "/restart", null, 404, "no restarts are scheduled");
    expect(leaderNode, "DELETE", "/switchover", null, 404, "no switchover is scheduled");

    assertThat(znode("/config")).isEqualTo(config);
    assertThat(znode("/failover")).isNull();
    assertThat(name(cluster.leader())).isEqualTo(leader);
    assertThat(ctl("", "edit-config", "-s", "ttl=soon", "--force").err()).startsWith("Error: ttl:");
    assertThat(znode("/config")).isEqualTo(config);
  }

  @Test
  @Order(4)
  void scheduledSwitchoverIsShownAndCancelled() throws Exception {
    Node leaderNode = cluster.leader();
    String leader = name(leaderNode);
    String replica = name(cluster.replicas().get(0));
    String at = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).withNano(0)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME).replace("Z", "+00:00");
    expect(leaderNode, "POST", "/switchover", "{\"leader\":\"" + leader + "\",\"candidate\":\"" + replica
        + "\",\"scheduled_at\":\"" + at + "\"}", 202, "Switchover scheduled");
    assertThat(znode("/failover")).isEqualTo("{\"leader\":\"" + leader + "\",\"member\":\"" + replica
        + "\",\"scheduled_at\":\"" + at + "\"}");
    assertThat(ctl("", "list").out()).contains(" Switchover scheduled at: " + at + "\n")
        .contains("from: " + leader + "\n").contains("to: " + replica + "\n");
    expect(leaderNode, "DELETE", "/switchover", null, 200, "scheduled switchover deleted");
    assertThat(znode("/failover")).isEqualTo("{}");

    CtlRun r = ctl("", "switchover", "--candidate", replica, "--scheduled", at, "--force");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(" Switchover scheduled\n");
    assertThat(ctl("", "list").out()).contains(" Switchover scheduled at: " + at);
    r = ctl("", "flush", ClusterFixture.SCOPE, "switchover");
    assertThat(r.out()).isEqualTo("Success: scheduled switchover deleted\n");
    assertThat(znode("/failover")).isEqualTo("{}");
    assertThat(name(cluster.leader())).isEqualTo(leader);
  }

  @Test
  @Order(5)
  void pauseAndResume() throws Exception {
    CtlRun r = ctl("", "pause", "--wait");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).endsWith("Success: cluster management is paused\n");
    assertThat(JSON.readValue(znode("/config"), Map.class)).containsEntry("pause", true);
    for (Node n : cluster.nodes) {
      assertThat(JSON.readValue(znode("/members/" + name(n)), Map.class)).containsEntry("pause", true);
    }
    assertThat(ctl("", "list").out()).contains(" Maintenance mode: on");
    expect(cluster.leader(), "POST", "/switchover", "{\"leader\":\"" + name(cluster.leader()) + "\"}", 400,
        "Switchover is possible only to a specific candidate in a paused state");
    assertThat(ctl("", "pause").err()).isEqualTo("Error: Cluster is already paused\n");

    r = ctl("", "resume", "--wait");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(JSON.readValue(znode("/config"), Map.class)).doesNotContainKey("pause");
    for (Node n : cluster.nodes) {
      assertThat(JSON.readValue(znode("/members/" + name(n)), Map.class)).doesNotContainKey("pause");
    }
  }

  @Test
  @Order(6)
  void configChangesUseCompareAndSet() throws Exception {
    Reply r = rest(cluster.leader(), "PATCH", "/config", "{\"maximum_lag_on_failover\":2097152}", AUTH);
    assertThat(r.status()).isEqualTo(200);
    assertThat(JSON.readValue(r.body(), Map.class)).containsEntry("maximum_lag_on_failover", 2097152);
    CtlRun edit = ctl("", "edit-config", "-s", "max_timelines_history=10", "--force");
    assertThat(edit.code()).as(edit.err()).isZero();
    assertThat(edit.out()).contains("+max_timelines_history: 10\n").endsWith("Configuration changed\n");

    String concurrent = znode("/config").replace("\"max_timelines_history\":10", "\"max_timelines_history\":20");
    InputStream answerAfterAConcurrentChange = new InputStream() {
      private InputStream answer;

      @Override
      public int read() throws IOException {
        if (answer == null) {
          try {
            zk.setData().forPath(BASE + "/config", concurrent.getBytes(StandardCharsets.UTF_8));
          } catch (Exception e) {
            throw new IOException(e);
          }
          answer = new ByteArrayInputStream("y\n".getBytes(StandardCharsets.UTF_8));
        }
        return answer.read();
      }
    };
    edit = ctl(answerAfterAConcurrentChange, "edit-config", "-s", "max_timelines_history=30");
    assertThat(edit.code()).isEqualTo(1);
    assertThat(edit.err()).isEqualTo("Error: Config modification aborted due to concurrent changes\n");
    assertThat(znode("/config")).isEqualTo(concurrent);

    Map<?, ?> whole = JSON.readValue(concurrent, Map.class);
    r = rest(cluster.replicas().get(0), "PUT", "/config", concurrent, AUTH);
    assertThat(r.status()).isEqualTo(200);
    assertThat(JSON.readValue(r.body(), Map.class)).isEqualTo(whole);
  }

  @Test
  @Order(7)
  void reloadRestartAndReinitialize() throws Exception {
    CtlRun r = ctl("", "reload", "--force");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Reload request received for member n1 and will be processed within 2 seconds");
    expect(cluster.replicas().get(0), "POST", "/reload", null, 202, "reload scheduled");

    Node replica = cluster.replicas().get(0);
    expect(replica, "POST", "/restart", "{}", 200, "restarted successfully");
    Node leader = cluster.leader();
    expect(leader, "POST", "/restart", "{\"role\":\"primary\"}", 200, "restarted successfully");
    assertThat(znode("/leader")).as("the leader keeps its lock through a restart").isEqualTo(name(leader));
    await().atMost(Duration.ofSeconds(10)).until(() -> leader.status().holdsLock() && leader.status().postgresPrimary());
    expect(replica, "POST", "/restart", "{\"role\":\"master\"}", 503, "restart conditions are not satisfied");
    healthy();
    r = ctl("", "restart", ClusterFixture.SCOPE, name(replica), "--force");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).endsWith("Success: restart on member " + name(replica) + "\n");
    healthy();

    expect(cluster.leader(), "POST", "/reinitialize", "{}", 503, "I am the leader, can not reinitialize");
    Node other = cluster.replicas().get(1);
    r = ctl("", "reinit", name(other), "--force", "--wait");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Success: reinitialize for member " + name(other))
        .contains("Reinitialize is completed on: " + name(other));
  }

  /** A reload re-reads the YAML; a setting that needs a restart shows as pending until `restart --pending`. */
  @Test
  @Order(7)
  void reloadReReadsTheYamlAndPendingRestartIsShownUntilRestarted() throws Exception {
    Node replica = cluster.replicas().get(0);
    Path yml = cluster.configs.get(cluster.nodes.indexOf(replica));
    String original = Files.readString(yml);
    try {
      assertThat(original).contains("    shared_buffers: 32MB\n");
      Files.writeString(yml, original.replace("    shared_buffers: 32MB\n", "    shared_buffers: 48MB\n    work_mem: 7MB\n"));
      expect(replica, "POST", "/reload", null, 202, "reload scheduled");
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(ctl("", "query", "-m", name(replica), "-c", "SHOW work_mem").out()).contains("7MB"));
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(znode("/members/" + name(replica))).contains("\"pending_restart\":true"));
      CtlRun list = ctl("", "list");
      assertThat(list.out()).contains("Pending restart");
      assertThat(JSON.readValue(rest(replica, "GET", "/patroni", null, null).body(), Map.class))
          .containsEntry("pending_restart", true);

      expect(cluster.leader(), "POST", "/restart", "{\"restart_pending\":true}", 503,
          "restart conditions are not satisfied");
      CtlRun r = ctl("", "restart", ClusterFixture.SCOPE, name(replica), "--pending", "--force");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(ctl("", "query", "-m", name(replica), "-c", "SHOW shared_buffers").out()).contains("48MB");
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(znode("/members/" + name(replica))).doesNotContain("pending_restart"));
    } finally {
      Files.writeString(yml, original);
      expect(replica, "POST", "/reload", null, 202, "reload scheduled");
    }
    healthy();
  }

  /** A scheduled restart is published, refused twice, carried out at its time; another one is cancelled. */
  @Test
  @Order(7)
  void scheduledRestartRunsAtItsTimeOrIsCancelled() throws Exception {
    Node replica = cluster.replicas().get(0);
    String member = "/members/" + name(replica);
    Object startedBefore = patroni(replica).get("postmaster_start_time");
    // Seconds always written: OffsetDateTime.toString() drops ":00", which the agent (like Python's isoformat) keeps.
    // far enough ahead for the checks below to see it scheduled on a busy machine
    String at = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(8)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx"));
    expect(replica, "POST", "/restart", "{\"schedule\":\"" + at + "\",\"role\":\"replica\"}", 202,
        "Restart scheduled");
    expect(replica, "POST", "/restart", "{\"schedule\":\"" + at + "\"}", 409, "Another restart is already scheduled");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(znode(member)).contains(
        "\"scheduled_restart\":{\"schedule\":\"" + at + "\",\"role\":\"replica\",\"postmaster_start_time\":\""
            + startedBefore + "\"}"));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(patroni(replica).get("scheduled_restart")).isEqualTo(Map.of("schedule", at, "role", "replica")));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(patroni(replica).get("postmaster_start_time")).isNotIn(startedBefore, null);
      assertThat(znode(member)).doesNotContain("scheduled_restart");
    });
    healthy();

    CtlRun r = ctl("", "restart", ClusterFixture.SCOPE, name(replica), "--scheduled", "2099-01-01T00:00+00:00", "--force");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Success: restart scheduled on member " + name(replica));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(znode(member)).contains("scheduled_restart"));
    assertThat(ctl("", "list").out()).contains("Scheduled restart").contains("2099-01-01T00:00:00+00:00");
    r = ctl("", "flush", ClusterFixture.SCOPE, "restart", "--force");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Success: flush scheduled restart for member " + name(replica));
    expect(replica, "DELETE", "/restart", null, 404, "no restarts are scheduled");
    expect(replica, "POST", "/restart", "{\"schedule\":\"2099-01-01T00:00+00:00\"}", 202, "Restart scheduled");
    expect(replica, "DELETE", "/restart", null, 200, "scheduled restart deleted");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(znode(member)).doesNotContain("scheduled_restart"));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> patroni(Node n) throws Exception {
    return JSON.readValue(rest(n, "GET", "/patroni", null, null).body(), Map.class);
  }

  @Test
  @Order(8)
  void switchoverAndFailover() throws Exception {
    String old = name(cluster.leader());
    String target = name(cluster.replicas().get(0));
    expect(cluster.leader(), "POST", "/switchover", "{\"leader\":\"" + old + "\",\"candidate\":\"" + target + "\"}", 200,
        "Successfully switched over to \"" + target + "\"");
    assertThat(name(awaitLeaderOtherThan(old))).isEqualTo(target);
    healthy();

    String next = name(cluster.replicas().get(0));
    CtlRun r = ctl("", "failover", "--candidate", next, "--force");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(" Successfully failed over to \"" + next + "\"");
    assertThat(name(awaitLeaderOtherThan(target))).isEqualTo(next);
    healthy();
    // the new leader rewrites /history from its timeline history file in a cycle after the promotion
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(ctl("", "history", "-f", "tsv").out().lines().count()).isEqualTo(3));
  }

  @Test
  @Order(9)
  void removeDeletesAClusterAfterThreeConfirmations() throws Exception {
    String other = "/service/retired";
    zk.create().creatingParentsIfNeeded().forPath(other + "/leader", "old1".getBytes(StandardCharsets.UTF_8));
    zk.create().forPath(other + "/members");
    zk.create().forPath(other + "/members/old1", "{\"state\":\"running\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(ctl("retired\nYes I am aware\nsomeone\n", "remove", "retired").err())
        .isEqualTo("Error: You did not specify the current leader of the cluster\n");
    assertThat(zk.checkExists().forPath(other)).isNotNull();
    CtlRun r = ctl("retired\nYes I am aware\nold1\n", "remove", "retired");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(zk.checkExists().forPath(other)).isNull();
    assertThat(zk.checkExists().forPath(BASE + "/leader")).isNotNull();
  }

  /**
   * Patroni's default is use_pg_rewind off. A cleanly switched-over leader still rejoins: the timeline check finds
   * that the new leader replayed its shutdown checkpoint, so neither pg_rewind nor a re-clone is needed.
   */
  @Test
  @Order(10)
  void aSwitchedOverLeaderRejoinsWithoutPgRewindOrReclone() throws Exception {
    String off = "{\"postgresql\":{\"use_pg_rewind\":false,\"remove_data_directory_on_rewind_failure\":false,"
        + "\"remove_data_directory_on_diverged_timelines\":false}}";
    assertThat(rest(cluster.leader(), "PATCH", "/config", off, AUTH).status()).isEqualTo(200);
    try {
      Node oldLeader = cluster.leader();
      String old = name(oldLeader);
      Path marker = oldLeader.config().postgresql().dataDir().resolve("vigil-e2e-marker");
      Files.writeString(marker, "a re-clone would remove this");
      if (ClusterFixture.ROOT) {
        ClusterFixture.chownToPostgres(marker);
      }
      String target = name(cluster.replicas().get(0));
      expect(oldLeader, "POST", "/switchover", "{\"leader\":\"" + old + "\",\"candidate\":\"" + target + "\"}",
          200, "Successfully switched over to \"" + target + "\"");
      Node newLeader = awaitLeaderOtherThan(old);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertThat(streamingFrom(newLeader)).contains(old));
      assertThat(marker).exists();
      healthy();
    } finally {
      String on = off.replace("false", "true");
      assertThat(rest(cluster.leader(), "PATCH", "/config", on, AUTH).status()).isEqualTo(200);
    }
  }

  /** on_reload, on_restart, on_stop and on_role_change, with Patroni 3.0.2's arguments: event, role, scope. */
  @Test
  @Order(11)
  void callbacksFollowTheOperations() throws Exception {
    Node replica = cluster.replicas().get(0);
    int before = callbackLog(replica).length();
    expect(replica, "POST", "/reload", null, 202, "reload scheduled");
    awaitCallback(replica, before, "on_reload replica e2e");
    CtlRun r = ctl("", "restart", ClusterFixture.SCOPE, name(replica), "--force");
    assertThat(r.code()).as(r.err()).isZero();
    awaitCallback(replica, before, "on_restart replica e2e");

    Node oldLeader = cluster.leader();
    int leaderBefore = callbackLog(oldLeader).length();
    int replicaBefore = callbackLog(replica).length();
    expect(oldLeader, "POST", "/switchover", "{\"leader\":\"" + name(oldLeader) + "\",\"candidate\":\""
        + name(replica) + "\"}", 200, "Successfully switched over to \"" + name(replica) + "\"");
    awaitCallback(replica, replicaBefore, "on_role_change master e2e");
    awaitCallback(oldLeader, leaderBefore, "on_stop master e2e");
    awaitCallback(oldLeader, leaderBefore, "on_role_change replica e2e");
    healthy();
  }

  /**
   * postgresql.before_stop runs, without arguments and waited for, before each stop of a running PostgreSQL: here a
   * replica's restart and a switchover's demotion. PostgreSQL still accepted connections when it ran.
   */
  @Test
  @Order(11)
  void beforeStopRunsBeforeEveryStop() throws Exception {
    Node replica = cluster.replicas().get(0);
    int replicaRuns = beforeStopLog(replica).size();
    CtlRun r = ctl("", "restart", ClusterFixture.SCOPE, name(replica), "--force");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(beforeStopLog(replica)).as("the restart's stop").hasSize(replicaRuns + 1).last()
        .isEqualTo("0 accepting");
    // the switchover needs the restarted replica's WAL positions in its REST document, as Patroni's check does
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> rest(replica, "GET", "/patroni", null, null).body().contains("\"xlog\""));

    Node oldLeader = cluster.leader();
    int leaderRuns = beforeStopLog(oldLeader).size();
    expect(oldLeader, "POST", "/switchover", "{\"leader\":\"" + name(oldLeader) + "\",\"candidate\":\""
        + name(replica) + "\"}", 200, "Successfully switched over to \"" + name(replica) + "\"");
    assertThat(beforeStopLog(oldLeader)).as("the demotion's stop").hasSize(leaderRuns + 1).last()
        .isEqualTo("0 accepting");
    healthy();
  }

  private List<String> beforeStopLog(Node n) throws IOException {
    Path log = cluster.configs.get(cluster.nodes.indexOf(n)).resolveSibling("before_stop.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /**
   * pre_promote vetoes a promotion: the candidate gives the lock back and stays out of races for ttl, and the
   * cluster gets a leader again (here the same candidate, whose script agrees the second time).
   */
  @Test
  @Order(12)
  void prePromoteCanRefuseAPromotion() throws Exception {
    Node target = cluster.replicas().get(0);
    Path yml = cluster.configs.get(cluster.nodes.indexOf(target));
    Path runs = yml.resolveSibling("pre_promote.runs");
    Path script = yml.resolveSibling("pre_promote.sh");
    // refuses the first time it runs, agrees afterwards
    Files.writeString(script, "#!/bin/sh\necho run >> " + runs + "\n[ \"$(wc -l < " + runs + ")\" -gt 1 ]\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    String original = Files.readString(yml);
    Files.writeString(yml, original.replace("  callbacks:\n", "  pre_promote: " + script + "\n  callbacks:\n"));
    try {
      expect(target, "POST", "/reload", null, 202, "reload scheduled");
      Node oldLeader = cluster.leader();
      rest(oldLeader, "POST", "/switchover", "{\"leader\":\"" + name(oldLeader) + "\",\"candidate\":\""
          + name(target) + "\"}", AUTH);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> Files.exists(runs) && Files.readAllLines(runs).size() >= 1);
      Node next = awaitLeaderOtherThan(name(oldLeader));
      healthy();
      if (name(next).equals(name(target))) {
        assertThat(Files.readAllLines(runs)).as("refused once, then agreed").hasSize(2);
      } else {
        assertThat(Files.readAllLines(runs)).as("refused, and another node took over").hasSize(1);
      }
    } finally {
      Files.writeString(yml, original);
      expect(target, "POST", "/reload", null, 202, "reload scheduled");
    }
  }

  private void awaitCallback(Node n, int from, String line) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(callbackLog(n).substring(from)).contains(line + "\n"));
  }

  private String callbackLog(Node n) throws IOException {
    Path log = cluster.configs.get(cluster.nodes.indexOf(n)).resolveSibling("callbacks.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private List<String> streamingFrom(Node primary) throws Exception {
    try (Connection c = cluster.connect(primary); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(
             "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1")) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    }
  }

  private Node awaitLeaderOtherThan(String old) {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> cluster.nodes.stream().filter(n -> n.status().holdsLock() && n.status().postgresPrimary()
            && !name(n).equals(old)).findFirst().orElse(null), n -> n != null);
  }

  private void expect(Node n, String method, String path, String body, int status, String text) throws Exception {
    Reply r = rest(n, method, path, body, AUTH);
    assertThat(r.status() + " " + r.body()).as("%s %s %s", method, path, body).isEqualTo(status + " " + text);
  }

  private Reply rest(Node n, String method, String path, String body, String auth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.restPort() + path))
        .timeout(Duration.ofSeconds(40))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  private CtlRun ctl(String input, String... args) {
    return ctl(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), args);
  }

  private CtlRun ctl(InputStream in, String... args) {
    return CtlRun.of(cluster.configs.get(0), in, args);
  }

  private String znode(String key) throws Exception {
    return zk.checkExists().forPath(BASE + key) == null ? null
        : new String(zk.getData().forPath(BASE + key), StandardCharsets.UTF_8);
  }

  private static String name(Node n) {
    return n.config().name();
  }
}
