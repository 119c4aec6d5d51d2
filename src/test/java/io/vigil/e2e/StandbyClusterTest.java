package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.cli.CtlRun;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;

/**
 * A standby cluster (wire spec 3.18) of two agents replicating from a one-node main cluster on the same ZooKeeper: its
 * lock holder is a standby leader that follows the main primary, its replica cascades from it, nobody in it is ever a
 * primary; losing the standby leader hands the role to the replica, removing {@code standby_cluster} from its
 * {@code /config} promotes it, and adding it back demotes it.
 */
class StandbyClusterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** ttl 10 s, the session expiry, the race and the switch of primary_conninfo on a busy 2-core machine. */
  private static final Duration TAKEOVER = Duration.ofSeconds(45);

  @Test
  void aStandbyClusterFollowsTheMainClusterAndPromotesWhenItsSectionIsRemoved() throws Exception {
    try (ProcessCluster main = new ProcessCluster(1)) {
      main.startAll();
      main.awaitHealthy(Duration.ofSeconds(60));
      String standbyKeys = "standby_cluster:\n      host: 127.0.0.1\n      port: " + main.files.pgPorts.get(0);
      try (ProcessCluster standby = new ProcessCluster(new ClusterFixture(2, main.files, "dr", standbyKeys));
          CuratorFramework zk = CuratorFrameworkFactory.newClient(main.files.zkConnect(), new RetryOneTime(100))) {
        zk.start();
        standby.startAll();
        String first = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
            .until(() -> standbyLeader(standby), Optional::isPresent).get();
        await().atMost(Duration.ofSeconds(10)).until(() -> "standby_leader".equals(member(zk, first).get("role")));
        String other = standby.names().stream().filter(n -> !n.equals(first)).findFirst().orElseThrow();

        write(main, "n1", "before");
        awaitRow(standby, first, "before");
        awaitRow(standby, other, "before");
        assertThat(standby.streamingFrom(first)).as("the replica cascades from the standby leader").contains(other);
        assertThat(standby.names()).allSatisfy(n -> assertThat(standby.rest(n, "/primary")).isEqualTo(503));
        assertThat(standby.rest(first, "/replica")).as("Patroni: the standby leader is no replica").isEqualTo(503);
        // Its agent publishes the replica as running one cycle after PostgreSQL came up.
        await().atMost(Duration.ofSeconds(10)).until(() -> standby.rest(other, "/replica") == 200);
        CtlRun list = CtlRun.of(standby.files.configs.get(0), new ByteArrayInputStream(new byte[0]), "list");
        assertThat(list.out()).containsPattern("\\| " + first + " +\\| [0-9.:]+ +\\| Standby Leader \\| running");

        standby.killAgent(first);
        standby.killPostmaster(first);
        await().atMost(TAKEOVER).pollInterval(Duration.ofMillis(250))
            .until(() -> standby.rest(other, "/standby-leader") == 200);
        assertThat(standby.rest(other, "/primary")).isEqualTo(503);
        // The REST status follows the lock at once; the member key says standby_leader from the cycle that points
        // PostgreSQL at the remote, as with Patroni (the cycle that takes the lock publishes the role it had).
        await().atMost(Duration.ofSeconds(10)).until(() -> "standby_leader".equals(member(zk, other).get("role")));
        assertThat(standby.log(other)).contains("rule=FOLLOW_REMOTE_PRIMARY").doesNotContain("rule=PROMOTE");
        java.nio.file.Path callbacks = standby.files.base.resolve(other).resolve("callbacks.log");
        await().atMost(Duration.ofSeconds(10)).until(() -> java.nio.file.Files.exists(callbacks)
            && java.nio.file.Files.readString(callbacks).contains("on_role_change standby_leader dr"));
        write(main, "n1", "after takeover");
        awaitRow(standby, other, "after takeover");
        standby.start(first);
        awaitRow(standby, first, "after takeover");

        HttpResponse<String> refused = patchConfig(standby, other, "{\"standby_cluster\":{\"host\":null}}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("standby_cluster: needs a host");

        // An unreachable remote primary: the standby leader stays one, warns once, and retries.
        int from = standby.log(other).length();
        int nowhere = ClusterFixture.freePort();
        assertThat(patchConfig(standby, other, "{\"standby_cluster\":{\"port\":" + nowhere + "}}").statusCode())
            .isEqualTo(200);
        String notStreaming = "not streaming from the remote primary 127.0.0.1:" + nowhere;
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> standby.log(other)
            .substring(from).lines().filter(l -> l.contains(" INFO ") && l.contains(notStreaming)).count() >= 2);
        assertThat(standby.log(other).substring(from).lines().filter(l -> l.contains(notStreaming))
            .filter(l -> l.contains(" WARN ")).count()).as("warned once, not every loop").isEqualTo(1);
        assertThat(standby.rest(other, "/standby-leader")).isEqualTo(200);
        assertThat(standby.rest(other, "/primary")).isEqualTo(503);
        assertThat(patchConfig(standby, other, "{\"standby_cluster\":{\"port\":" + main.files.pgPorts.get(0)
            + "}}").statusCode()).isEqualTo(200);
        write(main, "n1", "after outage");
        awaitRow(standby, first, "after outage");

        assertThat(patchConfig(standby, other, "{\"standby_cluster\":null}").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
            .until(() -> standby.rest(other, "/primary") == 200 && standby.writable(other));
        assertThat(standby.log(other)).contains("rule=PROMOTE_STANDBY_CLUSTER");
        assertThat(history(zk)).anySatisfy(line -> assertThat(line.get(0)).isEqualTo(1));
        write(standby, other, "promoted");
        awaitRow(standby, first, "promoted");
        await().atMost(Duration.ofSeconds(10)).until(() -> standby.rest(first, "/replica") == 200);

        // standby_cluster again: the leader demotes and follows the main primary, as Patroni does. Its timeline forked
        // at the promotion, so it cannot stream from there; it stays a standby leader and nobody is writable.
        assertThat(patchConfig(standby, other, "{\"standby_cluster\":{\"host\":\"127.0.0.1\",\"port\":"
            + main.files.pgPorts.get(0) + "}}").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
            .until(() -> standby.rest(other, "/standby-leader") == 200 && !standby.writable(other));
        assertThat(standby.log(other)).contains("rule=DEMOTE_TO_STANDBY_LEADER");
        assertThat(standby.names()).allSatisfy(n -> assertThat(standby.rest(n, "/primary")).isEqualTo(503));
        assertThat(standby.writable(first)).isFalse();
      }
    }
  }

  private static HttpResponse<String> patchConfig(ProcessCluster c, String node, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + c.files.restPorts.get(c.index(node)) + "/config"))
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The standby node answering {@code /standby-leader}, if one does. */
  private static Optional<String> standbyLeader(ProcessCluster c) {
    return c.names().stream().filter(n -> c.rest(n, "/standby-leader") == 200).findFirst();
  }

  private static Map<?, ?> member(CuratorFramework zk, String name) throws Exception {
    return JSON.readValue(zk.getData().forPath("/service/dr/members/" + name), Map.class);
  }

  private static List<List<?>> history(CuratorFramework zk) throws Exception {
    @SuppressWarnings("unchecked")
    List<List<?>> lines = JSON.readValue(zk.getData().forPath("/service/dr/history"), List.class);
    return lines;
  }

  private static void write(ProcessCluster c, String node, String value) throws SQLException {
    try (Connection conn = c.connect(node); Statement s = conn.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS standby_probe(v text)");
      s.execute("INSERT INTO standby_probe VALUES ('" + value + "')");
    }
  }

  private static void awaitRow(ProcessCluster c, String node, String value) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
      try (Connection conn = c.connect(node); Statement s = conn.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM standby_probe WHERE v = '" + value + "'")) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    });
  }
}
