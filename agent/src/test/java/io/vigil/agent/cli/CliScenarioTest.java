package io.vigil.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vigilctl against a real ZooKeeper holding a Patroni-shaped cluster and three stub REST APIs that record what
 * they are sent: the verbs' prompts, request bodies, credentials, outputs and exit codes, without agents.
 */
class CliScenarioTest {

  private static final String BASE = "/service/demo";

  @TempDir Path dir;
  private TestingServer zk;
  private CuratorFramework curator;
  private final Map<String, Stub> stubs = new LinkedHashMap<>();
  private Path config;

  /** One member's REST API: answers every request with the next canned response, records the requests. */
  static final class Stub {
    final HttpServer server;
    final List<String> requests = new ArrayList<>();
    final List<String> auth = new ArrayList<>();
    volatile int status = 200;
    volatile String body = "{\"state\": \"running\", \"role\": \"replica\", \"server_version\": 150004, "
        + "\"patroni\": {\"version\": \"3.0.2\", \"scope\": \"demo\"}}";

    Stub() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", ex -> {
        String reqBody = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        synchronized (this) {
          requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + (reqBody.isEmpty() ? "" : " "
              + reqBody));
          auth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    zk = new TestingServer(true);
    curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
    curator.start();
    put("/config", "{\"ttl\":30,\"loop_wait\":2}");
    put("/config", "{\"ttl\":30,\"loop_wait\":2,\"retry_timeout\":10}");
    put("/initialize", "7000000000000000001");
    put("/leader", "n1");
    put("/status", "{\"optime\":100}");
    for (int i = 1; i <= 3; i++) {
      Stub s = new Stub();
      stubs.put("n" + i, s);
      put("/members/n" + i, "{\"conn_url\":\"postgres://127.0.0.1:" + (5431 + i) + "/postgres\",\"api_url\":"
          + "\"http://127.0.0.1:" + s.port() + "/patroni\",\"state\":\"running\",\"role\":\"" + (i == 1 ? "master"
          : "replica") + "\",\"version\":\"3.0.2\",\"xlog_location\":100,\"timeline\":1}");
    }
    config = dir.resolve("patroni.yml");
    Files.writeString(config, "scope: demo\nname: n1\nzookeeper:\n  hosts: ['" + zk.getConnectString() + "']\n"
        + "restapi:\n  listen: 127.0.0.1:8008\n  authentication:\n    username: admin\n    password: secret\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    stubs.values().forEach(s -> s.server.stop(0));
    curator.close();
    zk.close();
  }

  private void put(String key, String value) throws Exception {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    if (curator.checkExists().forPath(BASE + key) == null) {
      curator.create().creatingParentsIfNeeded().forPath(BASE + key, v);
    } else {
      curator.setData().forPath(BASE + key, v);
    }
  }

  private String get(String key) throws Exception {
    return curator.checkExists().forPath(BASE + key) == null ? null
        : new String(curator.getData().forPath(BASE + key), StandardCharsets.UTF_8);
  }

  private CtlRun ctl(String input, String... args) {
    return ctl(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), args);
  }

  private CtlRun ctl(InputStream in, String... args) {
    return CtlRun.of(config, in, args);
  }

  @Test
  void interactiveSwitchoverPromptsLikePatronictl() {
    stubs.get("n1").body = "Successfully switched over to \"n2\"";
    CtlRun r = ctl("\n\n\ny\n", "switchover");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Primary [n1]: Candidate ['n2', 'n3'] []: When should the switchover take place "
        + "(e.g. ").contains(" )  [now]: Current cluster topology\n+ Cluster: demo ")
        .contains("Are you sure you want to switchover cluster demo, demoting current leader n1? [y/N]: ")
        .contains(" Successfully switched over to \"n2\"\n");
    assertThat(stubs.get("n1").requests).containsExactly(
        "POST /switchover {\"leader\":\"n1\",\"candidate\":null,\"scheduled_at\":null}");
    assertThat(stubs.get("n1").auth).containsExactly(
        "Basic " + Base64.getEncoder().encodeToString("admin:secret".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void declinedSwitchoverSendsNothing() {
    CtlRun r = ctl("\nn3\nnow\nn\n", "switchover");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("Error: Aborting switchover\n");
    assertThat(stubs.get("n1").requests).isEmpty();
  }

  @Test
  void scheduledSwitchoverWithForce() {
    stubs.get("n1").status = 202;
    stubs.get("n1").body = "Switchover scheduled";
    CtlRun r = ctl("", "switchover", "demo", "--leader", "n1", "--candidate", "n2", "--scheduled",
        "2030-01-01T00:00+00:00", "--force");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(" Switchover scheduled\n").doesNotContain("[y/N]");
    assertThat(stubs.get("n1").requests).containsExactly("POST /switchover {\"leader\":\"n1\",\"candidate\":\"n2\","
        + "\"scheduled_at\":\"2030-01-01T00:00:00+00:00\"}");
  }

  @Test
  void refusalsAreOneLineAndExit1() {
    stubs.get("n1").status = 412;
    stubs.get("n1").body = "switchover is not possible: no good candidates have been found";
    CtlRun r = ctl("", "switchover", "--candidate", "n2", "--force");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo(
        "Switchover failed, details: 412, switchover is not possible: no good candidates have been found\n");
    assertThat(ctl("", "switchover", "--leader", "n2", "--force").err())
        .isEqualTo("Error: Member n2 is not the leader of cluster demo\n");
    assertThat(ctl("", "switchover", "--candidate", "n9", "--force").err())
        .isEqualTo("Error: Member n9 does not exist in cluster demo\n");
    assertThat(ctl("", "failover", "--force").err())
        .isEqualTo("Error: Failover could be performed only to a specific candidate\n");
    assertThat(ctl("", "switchover", "--scheduled", "soon", "--force").err()).startsWith(
        "Error: Unable to parse scheduled timestamp (soon)");
  }

  @Test
  void failoverSendsTheCurrentLeaderAndFallsBackToZooKeeper() throws Exception {
    stubs.get("n1").body = "Successfully failed over to \"n3\"";
    assertThat(ctl("", "failover", "--candidate", "n3", "--force").code()).isZero();
    assertThat(stubs.get("n1").requests).containsExactly(
        "POST /failover {\"leader\":\"n1\",\"candidate\":\"n3\",\"scheduled_at\":null}");
    stubs.get("n1").server.stop(0);
    CtlRun r = ctl("", "failover", "--candidate", "n3", "--force");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Could not failover using Patroni api, falling back to DCS");
    assertThat(get("/failover")).isEqualTo("{\"leader\":\"n1\",\"member\":\"n3\"}");
  }

  @Test
  void pauseAndResumeGoToTheFirstMemberThatAnswers() throws Exception {
    stubs.get("n1").server.stop(0);
    CtlRun r = ctl("", "pause");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("Success: cluster management is paused\n");
    assertThat(stubs.get("n2").requests).containsExactly("PATCH /config {\"pause\":true}");
    put("/config", "{\"ttl\":30,\"loop_wait\":2,\"pause\":true}");
    assertThat(ctl("", "pause").err()).isEqualTo("Error: Cluster is already paused\n");
    assertThat(ctl("", "resume").code()).isZero();
    assertThat(stubs.get("n2").requests).last().isEqualTo("PATCH /config {\"pause\":null}");
  }

  @Test
  void pauseWaitReportsMembersThatDidNotApplyIt() {
    CtlRun r = ctl("", "pause", "--wait");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).startsWith("'pause' request sent, waiting until it is recognized by all nodes");
    assertThat(r.err()).isEqualTo("Error: n1, n2, n3 members didn't recognized pause state after 2 seconds\n");
  }

  @Test
  void restartReloadReinitAndVersion() {
    stubs.get("n2").status = 503;
    stubs.get("n2").body = "restart failed";
    CtlRun r = ctl("", "restart", "--force");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("Success: restart on member n1\n").contains("Success: restart on member n3\n");
    assertThat(r.err()).isEqualTo("Failed: restart for member n2, status code=503, (restart failed)\n");
    assertThat(stubs.get("n1").requests).containsExactly("POST /restart {}");

    stubs.get("n2").status = 202;
    r = ctl("y\n", "reload", "n2");
    assertThat(r.out()).contains("Are you sure you want to reload members n2? [y/N]: ")
        .endsWith("Reload request received for member n2 and will be processed within 2 seconds\n");
    assertThat(stubs.get("n2").requests).last().isEqualTo("POST /reload");

    stubs.get("n3").body = "reinitialize started";
    r = ctl("", "reinit", "demo", "n3", "--force");
    assertThat(r.out()).isEqualTo("Success: reinitialize for member n3\n");
    assertThat(stubs.get("n3").requests).last().isEqualTo("POST /reinitialize {\"force\":true}");
    assertThat(ctl("", "reinit", "n9", "--force").err()).isEqualTo("Error: n9 is not a member of cluster\n");

    stubs.get("n1").body = "{\"patroni\": {\"version\": \"3.0.2\"}, \"server_version\": 150004}";
    assertThat(ctl("", "version", "demo", "n1").out()).endsWith("\nn1: Patroni 3.0.2 PostgreSQL 15.4\n");
  }

  @Test
  void restartPromptsAndScheduledRestartBody() {
    stubs.get("n2").status = 400;
    stubs.get("n2").body = "scheduled restart is not supported by Vigil yet";
    CtlRun r = ctl("2030-01-01T00:00+00:00\ny\n\n", "restart", "n2");
    assertThat(r.out()).contains("When should the restart take place (e.g. ")
        .contains("Are you sure you want to schedule restart of members n2 at 2030-01-01T00:00:00+00:00? [y/N]: ")
        .contains("Restart if the PostgreSQL version is less than provided (e.g. 9.5.2)  []: ");
    assertThat(stubs.get("n2").requests).containsExactly("POST /restart {\"schedule\":\"2030-01-01T00:00:00+00:00\"}");
    assertThat(r.err()).isEqualTo(
        "Failed: restart for member n2, status code=400, (scheduled restart is not supported by Vigil yet)\n");
  }

  @Test
  void flushSwitchover() throws Exception {
    assertThat(ctl("", "flush", "demo", "switchover").out()).isEqualTo("No pending scheduled switchover\n");
    put("/failover", "{\"leader\":\"n1\",\"scheduled_at\":\"2030-01-01T00:00:00+00:00\"}");
    stubs.get("n1").body = "scheduled switchover deleted";
    assertThat(ctl("", "flush", "switchover").out()).isEqualTo("Success: scheduled switchover deleted\n");
    assertThat(stubs.get("n1").requests).containsExactly("DELETE /switchover");
    stubs.values().forEach(s -> s.server.stop(0));
    CtlRun r = ctl("", "flush", "demo", "switchover");
    assertThat(r.out()).contains("Could not find any accessible member of cluster demo")
        .endsWith("Success: scheduled switchover deleted\n");
    assertThat(get("/failover")).isEqualTo("{}");
  }

  @Test
  void editConfigWithCompareAndSet() throws Exception {
    CtlRun r = ctl("", "edit-config", "-s", "ttl=20", "-p", "work_mem=8MB", "--force");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("""
        ---\s
        +++\s
        @@ -1,3 +1,6 @@
         loop_wait: 2
        +postgresql:
        +  parameters:
        +    work_mem: 8MB
         retry_timeout: 10
        -ttl: 30
        +ttl: 20
        Configuration changed
        """);
    assertThat(get("/config")).isEqualTo(
        "{\"ttl\":20,\"loop_wait\":2,\"retry_timeout\":10,\"postgresql\":{\"parameters\":{\"work_mem\":\"8MB\"}}}");
    assertThat(ctl("", "edit-config", "-s", "ttl=20", "--force").out()).isEqualTo("Not changed\n");
    assertThat(ctl("", "edit-config", "-s", "ttl=often", "--force").err()).startsWith("Error: ttl:");

    InputStream concurrentWriter = new InputStream() {
      private InputStream answer;

      @Override
      public int read() throws IOException {
        if (answer == null) {
          try {
            put("/config", "{\"ttl\":25}");
          } catch (Exception e) {
            throw new IOException(e);
          }
          answer = new ByteArrayInputStream("y\n".getBytes(StandardCharsets.UTF_8));
        }
        return answer.read();
      }
    };
    r = ctl(concurrentWriter, "edit-config", "-s", "loop_wait=5");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("Error: Config modification aborted due to concurrent changes\n");
    assertThat(get("/config")).isEqualTo("{\"ttl\":25}");
  }

  @Test
  void editConfigApplyAndReplaceFromFiles() throws Exception {
    Path patch = dir.resolve("patch.yaml");
    Files.writeString(patch, "loop_wait: 3\nmaximum_lag_on_failover: 1024\n");
    assertThat(ctl("", "edit-config", "--apply", patch.toString(), "--force", "-q").code()).isZero();
    assertThat(get("/config")).isEqualTo(
        "{\"ttl\":30,\"loop_wait\":3,\"retry_timeout\":10,\"maximum_lag_on_failover\":1024}");
    assertThat(ctl("", "edit-config", "--replace", patch.toString(), "--force", "-q").code()).isZero();
    assertThat(get("/config")).isEqualTo("{\"loop_wait\":3,\"maximum_lag_on_failover\":1024}");
    CtlRun r = ctl("ttl: 40\n", "edit-config", "--apply", "-");
    assertThat(r.err()).isEqualTo("Error: Use --force option to apply changes\n");
    assertThat(ctl("", "show-config").out()).isEqualTo("loop_wait: 3\nmaximum_lag_on_failover: 1024\n");
  }

  @Test
  void removeNeedsThreeConfirmations() throws Exception {
    assertThat(ctl("other\n", "remove", "demo").err()).isEqualTo("Error: Cluster names specified do not match\n");
    assertThat(ctl("demo\nyes\n", "remove").err()).isEqualTo("Error: You did not exactly type \"Yes I am aware\"\n");
    CtlRun r = ctl("demo\nYes I am aware\nn2\n", "remove", "demo");
    assertThat(r.out()).contains("Please confirm the cluster name to remove: ")
        .contains("You are about to remove all information in DCS for demo, please type: \"Yes I am aware\": ")
        .contains("This cluster currently is healthy. Please specify the leader name to continue: ");
    assertThat(r.err()).isEqualTo("Error: You did not specify the current leader of the cluster\n");
    assertThat(get("/leader")).isEqualTo("n1");
    assertThat(ctl("demo\nYes I am aware\nn1\n", "remove", "demo").code()).isZero();
    assertThat(curator.checkExists().forPath(BASE)).isNull();
  }

  @Test
  void listShowsSyncAndQuorumStandbysFromZooKeeper() throws Exception {
    put("/config", "{\"ttl\":30,\"loop_wait\":2,\"synchronous_mode\":true}");
    put("/sync", "{\"leader\":\"n1\",\"sync_standby\":\"n3\"}");
    assertThat(ctl("", "list", "-f", "json").out()).isEqualTo("[{\"Cluster\": \"demo\", \"Member\": \"n1\", "
        + "\"Host\": \"127.0.0.1:5432\", \"Role\": \"Leader\", \"State\": \"running\", \"TL\": 1}, "
        + "{\"Cluster\": \"demo\", \"Member\": \"n2\", \"Host\": \"127.0.0.1:5433\", \"Role\": \"Replica\", "
        + "\"State\": \"running\", \"TL\": 1, \"Lag in MB\": 0}, {\"Cluster\": \"demo\", \"Member\": \"n3\", "
        + "\"Host\": \"127.0.0.1:5434\", \"Role\": \"Sync Standby\", \"State\": \"running\", \"TL\": 1, "
        + "\"Lag in MB\": 0}]\n");

    put("/config", "{\"ttl\":30,\"loop_wait\":2,\"synchronous_mode\":\"quorum\"}");
    put("/sync", "{\"leader\":\"n1\",\"quorum\":1,\"sync_standby\":\"n2,n3\"}");
    assertThat(ctl("", "list").out()).contains("| n2     | 127.0.0.1:5433 | Quorum Standby | running |")
        .contains("| n3     | 127.0.0.1:5434 | Quorum Standby | running |");

    put("/config", "{\"ttl\":30,\"loop_wait\":2,\"synchronous_mode\":false}");
    assertThat(ctl("", "list").out()).doesNotContain("Standby");
    put("/config", "{\"ttl\":30,\"loop_wait\":2,\"synchronous_mode\":\"on\"}");
    put("/sync", "garbage");
    assertThat(ctl("", "list").out()).doesNotContain("Standby");
  }

  @Test
  void dsnListAndUsage() {
    assertThat(ctl("", "dsn").out()).isEqualTo("host=127.0.0.1 port=5432\n");
    assertThat(ctl("", "dsn", "-m", "n3").out()).isEqualTo("host=127.0.0.1 port=5434\n");
    assertThat(ctl("", "dsn", "-r", "replica").out()).isEqualTo("host=127.0.0.1 port=5433\n");
    assertThat(ctl("", "list", "-f", "tsv").out()).startsWith("Cluster\tMember\tHost\tRole\tState\tTL\tLag in MB\n"
        + "demo\tn1\t127.0.0.1:5432\tLeader\trunning\t1\t\n");
    assertThat(ctl("", "topology").out()).contains("| + n2   |");
    assertThat(ctl("", "history", "-f", "json").out()).isEqualTo("[]\n");
    assertThat(ctl("", "list", "-f", "xml").code()).isEqualTo(2);
    assertThat(ctl("", "switchover", "--bogus").code()).isEqualTo(2);
    assertThat(ctl("", "dsn", "-r", "replica", "-m", "n2").code()).isEqualTo(2);
    assertThat(ctl("", "query", "-c", "SELECT 1", "-m", "n9").err())
        .isEqualTo("Error: No connection to member n9 is available\n");
  }
}
