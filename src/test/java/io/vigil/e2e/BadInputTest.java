package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.agent.daemon.Node;
import io.vigil.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets one clear line and a non-zero exit, and never touches a data directory: the
 * daemon entry point is run in-process exactly as {@code scripts/vigil} runs it.
 */
class BadInputTest {

  private ClusterFixture files;

  @BeforeEach
  void setUp() throws Exception {
    files = new ClusterFixture(0);
  }

  @AfterEach
  void tearDown() throws Exception {
    files.close();
  }

  private Path config(String name, String yaml) throws Exception {
    Path p = files.base.resolve(name + ".yml");
    Files.writeString(p, yaml);
    return p;
  }

  private String validYaml(String binDir) throws Exception {
    Path dir = files.nodeDir("node");
    return files.yaml("n1", ClusterFixture.freePort(), ClusterFixture.freePort(), binDir, dir);
  }

  @Test
  void missingRequiredKeyNamesTheKey() throws Exception {
    var o = BootstrapClusterTest.runDaemon(config("noscope", validYaml(ClusterFixture.PG_BIN)
        .replaceFirst("scope: e2e\n", "")).toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.stderr()).contains("scope").doesNotContain("Exception").hasLineCount(1);
  }

  @Test
  void wrongTypeNamesTheKeyPath() throws Exception {
    var o = BootstrapClusterTest.runDaemon(config("badlisten", validYaml(ClusterFixture.PG_BIN)
        .replaceFirst("listen: 127.0.0.1:(\\d+)\n  connect_address: 127.0.0.1:\\1\n  data_dir",
            "listen: nonsense\n  connect_address: 127.0.0.1:1\n  data_dir")).toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.stderr()).contains("postgresql.listen").hasLineCount(1);
  }

  @Test
  void invalidYamlSyntax() throws Exception {
    var o = BootstrapClusterTest.runDaemon(config("broken", "scope: [unclosed\nname: x\n").toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.stderr()).contains("invalid YAML").hasLineCount(1);
  }

  @Test
  void missingFile() {
    var o = BootstrapClusterTest.runDaemon(files.base.resolve("nope.yml").toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.stderr()).contains("nope.yml").hasLineCount(1);
  }

  @Test
  void binDirWithoutPostgres() throws Exception {
    var o = BootstrapClusterTest.runDaemon(config("nobin", validYaml("/usr/share")).toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.stderr()).contains("bin_dir").contains("/usr/share").hasLineCount(1);
  }

  @Test
  void dataDirOwnedBySomeoneElseIsLeftAlone() throws Exception {
    String yaml = validYaml(ClusterFixture.PG_BIN);
    Path foreign = files.base.resolve("foreign-data");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("precious"), "keep me");
    if (!ClusterFixture.ROOT) {
      foreign = Path.of("/var/cache");
    }
    String changed = yaml.replaceFirst("data_dir: .*\n", "data_dir: " + foreign + "\n");
    var o = BootstrapClusterTest.runDaemon(config("foreign", changed).toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.stderr()).contains("data_dir").contains("owned by").hasLineCount(1);
    if (ClusterFixture.ROOT) {
      assertThat(Files.readString(foreign.resolve("precious"))).isEqualTo("keep me");
      assertThat(Files.list(foreign).count()).isEqualTo(1);
    }
  }

  @Test
  void unreachableZooKeeperIsRetriedWithoutTouchingPostgres() throws Exception {
    int closedPort = ClusterFixture.freePort();
    String yaml = validYaml(ClusterFixture.PG_BIN).replace(files.zk.getConnectString(), "127.0.0.1:" + closedPort);
    Node node = new Node(ConfigLoader.load(config("nozk", yaml)));
    try {
      node.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> node.decisions().lastSteadyMessage()
          .startsWith("DCS is not accessible"));
      assertThat(node.status().dcsReachable()).isFalse();
      assertThat(node.exit()).isNotDone();
      assertThat(files.base.resolve("node/data")).doesNotExist();
    } finally {
      node.shutdown();
    }
  }
}
