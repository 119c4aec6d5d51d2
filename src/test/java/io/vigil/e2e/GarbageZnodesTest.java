package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Another ZooKeeper client writes random bytes into every znode Vigil reads (with open ACLs anyone may): no agent
 * crashes, nothing is promoted or demoted, and the cluster stays healthy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GarbageZnodesTest {

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

  @Test
  void randomBytesInAnyZnodeNeitherCrashNorPromoteNorDemote() throws Exception {
    cluster.awaitHealthy(Duration.ofSeconds(120));
    String leader = cluster.writablePrimary().orElseThrow();
    int timeline = cluster.timeline(leader);
    long postmaster = cluster.postmasterPid(leader).orElseThrow();
    String replica = cluster.names().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
    Random random = new Random(20261207);
    for (String key : List.of("leader", "members/" + leader, "members/" + replica, "config", "sync", "failover",
        "history", "status", "failsafe")) {
      byte[] garbage = new byte[1 + random.nextInt(64)];
      random.nextBytes(garbage);
      int logFrom = cluster.log(leader).length();
      cluster.writeZnode(key, garbage);
      if (key.equals("leader")) {
        cluster.awaitLog(leader, logFrom, "writing my name back", Duration.ofSeconds(10));
      }
      Thread.sleep(5_000); // two and a half cycles of loop_wait 2
      assertThat(cluster.names()).as("every agent still runs after garbage in " + key).allMatch(cluster::agentAlive);
      assertThat(cluster.writablePrimary()).as("same primary after garbage in " + key).contains(leader);
      assertThat(cluster.timeline(leader)).as("no promotion after garbage in " + key).isEqualTo(timeline);
      assertThat(cluster.postmasterPid(leader)).as("no demotion after garbage in " + key).contains(postmaster);
    }
    cluster.awaitHealthy(Duration.ofSeconds(30));
  }
}
