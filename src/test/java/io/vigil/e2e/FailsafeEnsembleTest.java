package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 13 done-when (c) with {@code failsafe_mode: true}: three agents on a 3-server ensemble (ttl 15, loop_wait 2,
 * retry_timeout 3); two of the three ZooKeeper servers die, quorum is gone for everyone, every member still reaches
 * the others' REST API, so the primary keeps accepting writes (it asks every member of {@code /failsafe} each cycle)
 * for well over twice ttl, reports {@code failsafe_mode_is_active}, and nobody else becomes writable. Quorum back, the
 * same primary takes its lock again (re-created under its new session) without {@code /primary} or writes failing once,
 * and the cluster is healthy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailsafeEnsembleTest {

  private static final int TTL_MS = 15_000;
  private ProcessCluster cluster;
  private TestingCluster ensemble;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  void start() throws Exception {
    cluster = new ProcessCluster(new ClusterFixture(3, 3));
    ensemble = cluster.files.ensemble;
    // The fence stops PostgreSQL ttl - safety_margin after the last confirmed read of the lock; the round has to end
    // before that: loop_wait 2 + retry_timeout 3 + the members' 2 s need ttl >= 12 (Fencing.failsafeTimingProblem).
    for (Path yml : cluster.files.configs) {
      Files.writeString(yml, Files.readString(yml).replace("    ttl: 10\n", "    ttl: " + TTL_MS / 1000 + "\n"));
    }
    cluster.startAll();
    cluster.awaitHealthy(Duration.ofSeconds(120));
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
  }

  private HttpResponse<String> send(String node, String method, String path, String body) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + cluster.files.restPorts.get(cluster.index(node)) + path))
        .timeout(Duration.ofSeconds(5)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)).build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withFailsafeModeAndEveryMemberReachableThePrimaryKeepsTakingWritesWithoutQuorum() throws Exception {
    String leader = cluster.writablePrimary().orElseThrow();
    int timeline = cluster.timeline(leader);
    assertThat(send(leader, "GET", "/failsafe", null).statusCode()).as("failsafe mode is off").isEqualTo(502);
    assertThat(send(leader, "GET", "/config", null).body()).containsPattern("\"ttl\": ?" + TTL_MS / 1000 + "\\b");
    assertThat(send(leader, "PATCH", "/config", "{\"failsafe_mode\":true}").statusCode()).isEqualTo(200);
    // the leader writes /failsafe (every member's api_url) at its next cycle, and every agent reads it
    for (String n : cluster.names()) {
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> send(n, "GET", "/failsafe", null).body().contains("\"" + leader + "\""));
    }

    for (String n : cluster.names()) {
      assertThat(cluster.log(n)).as("timings that let failsafe work").doesNotContain("failsafe_mode cannot keep");
    }

    List<InstanceSpec> two = List.copyOf(ensemble.getInstances()).subList(0, 2);
    long t0 = System.nanoTime();
    for (InstanceSpec s : two) {
      assertThat(ensemble.killServer(s)).isTrue();
    }
    int checks = 0;
    while ((System.nanoTime() - t0) / 1_000_000 < 2L * TTL_MS + 10_000) {
      assertThat(cluster.writable(leader)).as("%s still takes writes %d ms after quorum was lost", leader,
          (System.nanoTime() - t0) / 1_000_000).isTrue();
      for (String n : cluster.names()) {
        if (!n.equals(leader)) {
          assertThat(cluster.writable(n)).as("no second primary: %s", n).isFalse();
        }
      }
      checks++;
      Thread.sleep(500);
    }
    System.out.printf("failsafe (c) quorum lost for %d ms: %s took writes at all %d checks%n",
        (System.nanoTime() - t0) / 1_000_000, leader, checks);
    assertThat(send(leader, "GET", "/patroni", null).body()).contains("\"failsafe_mode_is_active\":true");
    assertThat(cluster.rest(leader, "/primary")).as("still the primary for the load balancer").isEqualTo(200);
    assertThat(send(leader, "GET", "/metrics", null).body())
        .containsPattern("(?m)^patroni_failsafe_mode_is_active\\{scope=\"[^\"]*\"\\} 1$");
    for (String n : cluster.names()) {
      if (!n.equals(leader)) {
        assertThat(send(n, "GET", "/patroni", null).body()).as("the replica %s accepted the leader's POST", n)
            .contains("\"failsafe_mode_is_active\":true");
      }
    }

    int from = cluster.log(leader).length();
    try (AvailabilityProbe probe = new AvailabilityProbe(cluster, leader)) {
      for (InstanceSpec s : two) {
        assertThat(ensemble.restartServer(s)).isTrue();
      }
      // the session expired during the outage: the leader re-creates its lock under the new one, then leads with it
      cluster.awaitLog(leader, from, "I am (" + leader + "), the leader with the lock", Duration.ofSeconds(60));
      System.out.printf("failsafe (d) quorum back: %s%n", probe);
      assertThat(probe.failedPrimary()).as("/primary never blinks while the leader takes its lock back: " + probe)
          .isZero();
      assertThat(probe.failedWrites()).as("writes never stop: " + probe).isZero();
    }
    cluster.awaitHealthy(Duration.ofSeconds(90));
    assertThat(cluster.writablePrimary()).as("the same primary, no failover").contains(leader);
    assertThat(cluster.timeline(leader)).isEqualTo(timeline);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
        .until(() -> !send(leader, "GET", "/patroni", null).body().contains("failsafe_mode_is_active"));
  }
}
