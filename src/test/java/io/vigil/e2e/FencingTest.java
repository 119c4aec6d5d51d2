package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fence (docs/fencing.md) stops a primary only when its agent stops confirming the lock: the planned ways of
 * stopping being the primary (pause, a switchover, a clean SIGTERM of the agent) disarm it first, and it never fires,
 * even when they last longer than its deadline (ttl 10 − safety_margin 5 = 5 s).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FencingTest {

  /** What the fence logs whenever its deadline passes, whatever it then finds. */
  private static final String FIRED = "the agent has not confirmed the leader lock for";
  private static final Duration PAST_THE_DEADLINE = Duration.ofSeconds(8);
  private final HttpClient http = HttpClient.newHttpClient();
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

  private int send(String node, String method, String path, String body) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + cluster.files.restPorts.get(cluster.index(node)) + path))
        .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private List<Integer> logOffsets() throws Exception {
    List<Integer> offsets = new java.util.ArrayList<>();
    for (String n : cluster.names()) {
      offsets.add(cluster.log(n).length());
    }
    return offsets;
  }

  private void assertNoFenceFired(List<Integer> from) throws Exception {
    for (String n : cluster.names()) {
      assertThat(cluster.log(n).substring(from.get(cluster.index(n)))).as("the fence of " + n).doesNotContain(FIRED);
    }
  }

  @Test
  @Order(1)
  void pauseDisarmsTheFenceAndThePrimaryRunsOnUntouched() throws Exception {
    String leader = cluster.leader();
    long postmaster = cluster.postmasterPid(leader).orElseThrow();
    List<Integer> from = logOffsets();
    assertThat(send(leader, "PATCH", "/config", "{\"pause\":true}")).isEqualTo(200);
    cluster.awaitLog(leader, from.get(cluster.index(leader)), "fence disarmed", Duration.ofSeconds(20));
    Thread.sleep(PAST_THE_DEADLINE.toMillis());
    assertThat(cluster.postmasterPid(leader)).contains(postmaster);
    assertThat(cluster.writable(leader)).isTrue();
    assertThat(send(leader, "PATCH", "/config", "{\"pause\":null}")).isEqualTo(200);
    cluster.awaitLog(leader, from.get(cluster.index(leader)), "fence armed", Duration.ofSeconds(20));
    assertNoFenceFired(from);
  }

  @Test
  @Order(2)
  void aSwitchoverNeverTriggersTheFence() throws Exception {
    String old = cluster.leader();
    String candidate = cluster.names().stream().filter(n -> !n.equals(old)).findFirst().orElseThrow();
    List<Integer> from = logOffsets();
    assertThat(send(old, "POST", "/switchover", "{\"leader\":\"" + old + "\",\"candidate\":\"" + candidate + "\"}"))
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(cluster::writablePrimary, p -> p.equals(Optional.of(candidate)));
    cluster.awaitHealthy(Duration.ofSeconds(60));
    Thread.sleep(PAST_THE_DEADLINE.toMillis());
    assertThat(cluster.log(old).substring(from.get(cluster.index(old)))).contains("fence disarmed");
    assertNoFenceFired(from);
  }

  @Test
  @Order(3)
  void aCleanStopOfTheLeadersAgentDisarmsAndEndsItsFence() throws Exception {
    String leader = cluster.leader();
    List<Integer> from = logOffsets();
    assertThat(cluster.stopAgent(leader)).isZero();
    String dataDir = cluster.files.configs.get(cluster.index(leader)).resolveSibling("data").toString();
    assertThat(ProcessCluster.fences(dataDir)).as("no fence is left behind for " + leader).isEmpty();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(cluster::writablePrimary, Optional::isPresent);
    Thread.sleep(PAST_THE_DEADLINE.toMillis());
    assertNoFenceFired(from);
    cluster.start(leader);
  }
}
