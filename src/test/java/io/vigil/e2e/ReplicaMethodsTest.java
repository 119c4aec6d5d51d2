package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.agent.daemon.Node;
import io.vigil.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code postgresql.create_replica_methods} on a real cluster: a script that restores a {@code pg_basebackup -Ft}
 * tarball (standing in for pgBackRest or WAL-G) and catches up from a WAL archive, and a broken first method whose
 * leftovers are moved aside before pg_basebackup takes over.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicaMethodsTest {

  private ClusterFixture cluster;
  private Path scripts;
  private Path archive;
  private Path tarball;

  @BeforeAll
  void leaderWithArchiveAndAnOldBackup() throws Exception {
    cluster = new ClusterFixture(0);
    scripts = ClusterFixture.postgresOwnedDir(cluster.base.resolve("scripts"));
    archive = ClusterFixture.postgresOwnedDir(cluster.base.resolve("archive"));
    tarball = ClusterFixture.postgresOwnedDir(cluster.base.resolve("tarball"));
    addConfig("n1", "");
    cluster.startAll();
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.nodes.get(0).status().holdsLock()
        && cluster.nodes.get(0).status().postgresPrimary());
    sql(cluster.nodes.get(0), "CREATE TABLE probe(v text)", "INSERT INTO probe VALUES ('in the backup')");
    ClusterFixture.tarBackup(cluster.nodes.get(0), tarball);
    sql(cluster.nodes.get(0), "INSERT INTO probe VALUES ('only in the archive')", "SELECT pg_switch_wal()");
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      try (Stream<Path> files = Files.list(archive)) {
        return files.count() >= 2;
      }
    });
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aScriptRestoresTheTarballWithPatronisArgumentsAndCatchesUpFromTheArchive() throws Exception {
    Path script = ClusterFixture.tarballRestoreScript(scripts.resolve("fromtar.sh"));
    Node replica = addNode("n2", """
          create_replica_methods: [fromtar, basebackup]
          fromtar:
            command: %s
            tarball: %s
          recovery_conf:
            restore_command: cp %s/%%f %%p
        """.formatted(script, tarball, archive));

    awaitStreaming(replica);
    assertThat(rows(replica)).containsExactly("in the backup", "only in the archive");
    Path dataDir = replica.config().postgresql().dataDir();
    int leaderPort = cluster.nodes.get(0).config().postgresql().listen().port();
    assertThat(Files.readAllLines(scripts.resolve("fromtar.args"))).containsExactly("--tarball=" + tarball
        + " --scope=" + ClusterFixture.SCOPE + " --role=replica --datadir=" + dataDir
        + " --connstring=dbname=postgres user=replicator host=127.0.0.1 port=" + leaderPort);
    try (Stream<Path> siblings = Files.list(dataDir.getParent())) {
      assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(f -> f.startsWith("data.failed"));
    }
    // the postmaster's own log, next to the data directory
    assertThat(Files.readString(dataDir.resolveSibling("n2-postgres.log"))).contains("restored log file");
  }

  @Test
  void aFailingMethodsLeftoversAreMovedAsideAndBasebackupTakesOver() throws Exception {
    Path script = ClusterFixture.failingRestoreScript(scripts.resolve("broken.sh"), "restore failed: repository unreachable", 1);
    Node replica = addNode("n3", """
          create_replica_methods: [broken, basebackup]
          broken:
            command: %s
        """.formatted(script));

    awaitStreaming(replica);
    assertThat(rows(replica)).contains("in the backup", "only in the archive");
    Path dataDir = replica.config().postgresql().dataDir();
    List<Path> aside;
    try (Stream<Path> siblings = Files.list(dataDir.getParent())) {
      aside = siblings.filter(p -> p.getFileName().toString().startsWith("data.failed-broken-")).toList();
    }
    assertThat(aside).hasSize(1);
    assertThat(Files.readString(aside.get(0).resolve("junk"))).isEqualTo("half-written\n");
    assertThat(Files.exists(dataDir.resolve("junk"))).isFalse();
  }

  private Node addNode(String name, String postgresqlKeys) throws Exception {
    Path yml = addConfig(name, postgresqlKeys);
    Node node = new Node(ConfigLoader.load(yml), yml);
    cluster.nodes.add(node);
    node.start();
    return node;
  }

  /** The fixture's YAML with WAL archiving into {@link #archive} and {@code postgresqlKeys} under postgresql. */
  private Path addConfig(String name, String postgresqlKeys) throws IOException {
    Path dir = cluster.nodeDir(name);
    String yaml = cluster.yaml(name, ClusterFixture.freePort(), ClusterFixture.freePort(), ClusterFixture.PG_BIN, dir)
        .replace("  parameters:\n    unix_socket_directories:", postgresqlKeys + "  parameters:\n"
            + "    archive_mode: 'on'\n    archive_command: cp %p " + archive + "/%f\n    unix_socket_directories:");
    Path yml = dir.resolve("patroni.yml");
    Files.writeString(yml, yaml);
    cluster.configs.add(yml);
    return yml;
  }

  private void awaitStreaming(Node replica) {
    String name = replica.config().name();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
      try (Connection c = cluster.connect(cluster.nodes.get(0)); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' "
              + "AND application_name = '" + name + "'")) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    });
  }

  private List<String> rows(Node n) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = cluster.connect(n); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM probe ORDER BY v")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }

  private void sql(Node n, String... statements) throws SQLException {
    try (Connection c = cluster.connect(n); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }
}
