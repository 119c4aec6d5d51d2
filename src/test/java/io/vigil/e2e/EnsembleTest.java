package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three agents on a 3-server ZooKeeper ensemble, as production runs it (ttl 10, loop_wait 2, retry_timeout 3): the
 * leader's session moves to another server when its server dies, a rolling restart causes no failover, losing quorum
 * stops the primary, and quorum back brings the cluster back with no manual step.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnsembleTest {

  private static final int RETRY_TIMEOUT_MS = 3_000;
  private static final int LOOP_WAIT_MS = 2_000;
  private ProcessCluster cluster;
  private TestingCluster ensemble;

  @BeforeAll
  void start() throws Exception {
    // 'cons' tells which server holds which session
    System.setProperty("zookeeper.4lw.commands.whitelist", "cons,srvr,ruok");
    cluster = new ProcessCluster(new ClusterFixture(3, 3));
    ensemble = cluster.files.ensemble;
    cluster.startAll();
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
  }

  @BeforeEach
  void healthy() {
    cluster.awaitHealthy(Duration.ofSeconds(120));
  }

  /** The ensemble member whose client connections include {@code session}. */
  private Optional<InstanceSpec> serverOf(long session) throws Exception {
    String sid = "sid=0x" + Long.toHexString(session);
    for (InstanceSpec spec : ensemble.getInstances()) {
      try (Socket s = new Socket("127.0.0.1", spec.getPort())) {
        s.setSoTimeout(2_000);
        OutputStream out = s.getOutputStream();
        out.write("cons".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        if (in.lines().anyMatch(l -> l.contains(sid + ",") || l.contains(sid + ")"))) {
          return Optional.of(spec);
        }
      } catch (java.io.IOException e) {
        // a server that is down holds no session
      }
    }
    return Optional.empty();
  }

  private void awaitQuorum() {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> cluster.leaderSession() != 0);
  }

  @Test
  @Order(1)
  void theServerHoldingTheLeadersSessionDiesAndNothingFailsOver() throws Exception {
    String leader = cluster.leader();
    int timeline = cluster.timeline(leader);
    long postmaster = cluster.postmasterPid(leader).orElseThrow();
    long session = cluster.leaderSession();
    InstanceSpec server = serverOf(session).orElseThrow();
    try (AvailabilityProbe probe = new AvailabilityProbe(cluster, leader)) {
      Thread.sleep(1_000);
      assertThat(ensemble.killServer(server)).isTrue();
      // the session moves within the liveness timeout, long before ttl
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
          .until(() -> serverOf(session).isPresent());
      Thread.sleep(12_000); // past ttl: a session that did not move would have expired by now
      System.out.printf("ensemble (a) leader's server %s killed: %s%n", server.getPort(), probe);
      assertThat(cluster.leaderSession()).as("same session, same lock").isEqualTo(session);
      assertThat(cluster.writablePrimary()).contains(leader);
      assertThat(cluster.timeline(leader)).as("no failover").isEqualTo(timeline);
      assertThat(cluster.postmasterPid(leader)).as("no demotion, no restart").contains(postmaster);
      assertThat(probe.failedPrimary()).as("/primary stays 200 throughout: " + probe).isZero();
    } finally {
      ensemble.restartServer(server);
    }
  }

  @Test
  @Order(2)
  void aRollingRestartOfTheEnsembleCausesNoFailover() throws Exception {
    String leader = cluster.leader();
    int timeline = cluster.timeline(leader);
    long postmaster = cluster.postmasterPid(leader).orElseThrow();
    try (AvailabilityProbe probe = new AvailabilityProbe(cluster, leader)) {
      for (InstanceSpec server : List.copyOf(ensemble.getInstances())) {
        assertThat(ensemble.killServer(server)).isTrue();
        Thread.sleep(3_000);
        assertThat(ensemble.restartServer(server)).isTrue();
        awaitQuorum();
        Thread.sleep(3_000);
      }
      System.out.printf("ensemble (b) rolling restart: %s%n", probe);
      assertThat(cluster.writablePrimary()).contains(leader);
      assertThat(cluster.timeline(leader)).as("no failover").isEqualTo(timeline);
      assertThat(cluster.postmasterPid(leader)).as("no demotion, no restart").contains(postmaster);
    }
  }

  @Test
  @Order(3)
  void losingQuorumStopsThePrimaryAndQuorumBackBringsTheClusterBack() throws Exception {
    String leader = cluster.leader();
    List<InstanceSpec> two = List.copyOf(ensemble.getInstances()).subList(0, 2);
    long t0 = System.nanoTime();
    for (InstanceSpec s : two) {
      assertThat(ensemble.killServer(s)).isTrue();
    }
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> !cluster.writable(leader));
    long stoppedMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("ensemble (c) quorum lost: %s stopped taking writes after %d ms%n", leader, stoppedMs);
    assertThat(stoppedMs).as("within retry_timeout + one cycle").isLessThan(RETRY_TIMEOUT_MS + LOOP_WAIT_MS + 1_000);
    assertThat(cluster.rest(leader, "/primary")).isEqualTo(503);
    Thread.sleep(3_000);

    for (InstanceSpec s : two) {
      assertThat(ensemble.restartServer(s)).isTrue();
    }
    long back = System.nanoTime();
    String writable = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> cluster.names().stream().filter(cluster::writable).findFirst(), Optional::isPresent).get();
    long writableMs = (System.nanoTime() - back) / 1_000_000;
    System.out.printf("ensemble (d) quorum back: %s takes writes %d ms after the servers were restarted%n", writable,
        writableMs);
    assertThat(writableMs).as("Patroni 3.0.2 takes 3.1 s on the same schedule").isLessThan(3_000);
    cluster.awaitHealthy(Duration.ofSeconds(90));
  }
}
