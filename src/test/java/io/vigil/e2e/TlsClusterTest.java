package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.agent.cli.VigilCtl;
import io.vigil.dcs.TlsZooKeeper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three agents on a ZooKeeper that takes only TLS clients with a certificate (secureClientPort, client auth, x509
 * ACLs), configured with Patroni's keys: the cluster bootstraps and fails over, its znodes carry the set_acls, a
 * client with another certificate can neither read nor delete the leader lock, and vigilctl works from the same file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsClusterTest {

  private TlsZooKeeper zk;
  private ProcessCluster cluster;
  private Path dir;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("vigil-e2e-tls");
    zk = new TlsZooKeeper(dir);
    for (String f : java.util.List.of("ca.pem", "agent.pem", "agent-encrypted.key")) {
      Files.setPosixFilePermissions(zk.file(f), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }
    String keys = """
          use_ssl: true
          cacert: %s
          cert: %s
          key: %s
          key_password: %s
          set_acls:
            CN=vigil-agent: [ALL]
            CN=monitoring: [read]
        """.formatted(zk.file("ca.pem"), zk.file("agent.pem"), zk.file("agent-encrypted.key"),
        TlsZooKeeper.KEY_PASSWORD);
    cluster = new ProcessCluster(new ClusterFixture(3, zk.connectString(), keys));
    cluster.startAll();
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
    zk.close();
  }

  /** A TLS client of the test's own with the given certificate (unencrypted key). */
  private ZooKeeper client(String certificate) throws Exception {
    ZKClientConfig c = new ZKClientConfig();
    c.setProperty("zookeeper.client.secure", "true");
    c.setProperty("zookeeper.clientCnxnSocket", "org.apache.zookeeper.ClientCnxnSocketNetty");
    c.setProperty("zookeeper.ssl.keyStore.location", zk.file(certificate + "-store.pem").toString());
    c.setProperty("zookeeper.ssl.keyStore.type", "PEM");
    c.setProperty("zookeeper.ssl.trustStore.location", zk.file("ca.pem").toString());
    c.setProperty("zookeeper.ssl.trustStore.type", "PEM");
    Files.writeString(zk.file(certificate + "-store.pem"), Files.readString(zk.file(certificate + ".key"))
        + Files.readString(zk.file(certificate + ".pem")));
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper client = new ZooKeeper(zk.connectString(), 10_000, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    }, c);
    assertThat(connected.await(20, TimeUnit.SECONDS)).as("connected as " + certificate).isTrue();
    return client;
  }

  @Test
  void bootstrapsFailsOverKeepsOthersOutAndVigilctlWorks() throws Exception {
    cluster.awaitHealthy(Duration.ofSeconds(120));
    String leaderPath = "/service/" + ClusterFixture.SCOPE + "/leader";

    ZooKeeper intruder = client("intruder");
    try {
      assertThatThrownBy(() -> intruder.getData(leaderPath, false, null)).isInstanceOf(KeeperException.NoAuthException.class);
      assertThatThrownBy(() -> intruder.delete(leaderPath, -1)).isInstanceOf(KeeperException.NoAuthException.class);
    } finally {
      intruder.close();
    }
    ZooKeeper reader = client("reader");
    try {
      assertThat(reader.getData(leaderPath, false, null)).as("CN=monitoring may read").isNotEmpty();
      assertThat(reader.getACL(leaderPath, null)).extracting(a -> a.getId().getScheme() + ":" + a.getId().getId())
          .containsExactlyInAnyOrder("x509:CN=vigil-agent", "x509:CN=monitoring");
      assertThatThrownBy(() -> reader.delete(leaderPath, -1)).isInstanceOf(KeeperException.NoAuthException.class);
    } finally {
      reader.close();
    }

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = VigilCtl.run(new String[] {"-c", cluster.files.configs.get(0).toString(), "list"},
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("| Leader ").contains("| Replica ");

    String old = cluster.writablePrimary().orElseThrow();
    cluster.killAgent(old);
    cluster.killPostmaster(old);
    String next = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(cluster::writablePrimary, Optional::isPresent).get();
    assertThat(next).isNotEqualTo(old);
    cluster.start(old);
    cluster.awaitHealthy(Duration.ofSeconds(90));
  }
}
