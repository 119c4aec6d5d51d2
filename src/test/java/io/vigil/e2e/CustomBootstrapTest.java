package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.agent.daemon.Node;
import io.vigil.agent.ha.Action;
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
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code bootstrap.method} on a real cluster: a new cluster is restored from the {@code pg_basebackup -Ft} tarball
 * of another (throwaway) cluster plus that cluster's WAL archive, and a failing script leaves the initialize key
 * free and its leftovers aside.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomBootstrapTest {

  /** Outlives the throwaway cluster: its backup, its WAL archive and the restore scripts. */
  private Path repository;
  private Path tarball;
  private Path archive;
  private String throwawaySysid;

  @BeforeAll
  void throwawayClusterWithABackupAndAnArchive() throws Exception {
    repository = ClusterFixture.postgresOwnedDir(Files.createTempDirectory("vigil-e2e-repo"));
    tarball = ClusterFixture.postgresOwnedDir(repository.resolve("tarball"));
    archive = ClusterFixture.postgresOwnedDir(repository.resolve("archive"));
    Path afterInitdb = postBootstrapScript("after_initdb");
    try (ClusterFixture throwaway = new ClusterFixture(0)) {
      addConfig(throwaway, "n1", "  post_bootstrap: " + afterInitdb + "\n", "",
          "    archive_mode: 'on'\n    archive_command: cp %p " + archive + "/%f\n");
      throwaway.startAll();
      Node old = throwaway.nodes.get(0);
      await().atMost(Duration.ofSeconds(60)).until(() -> old.status().holdsLock() && old.status().postgresPrimary());
      assertThat(madeBy(throwaway, old, "after_initdb")).isTrue();
      int port = old.config().postgresql().listen().port();
      assertThat(Files.readAllLines(repository.resolve("after_initdb.args"))).containsExactly(
          "dbname=postgres user=postgres host=127.0.0.1 port=" + port, "-c synchronous_commit=local");
      sql(throwaway, old, "CREATE TABLE probe(v text)", "INSERT INTO probe VALUES ('in the backup')");
      throwawaySysid = sysid(throwaway, old);
      ClusterFixture.tarBackup(old, tarball);
      sql(throwaway, old, "INSERT INTO probe VALUES ('only in the archive')", "SELECT pg_switch_wal()");
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        try (Stream<Path> files = Files.list(archive)) {
          return files.filter(f -> !f.getFileName().toString().endsWith(".backup")).count() >= 2;
        }
      });
    }
  }

  @AfterAll
  void removeRepository() throws IOException {
    if (repository != null) {
      try (Stream<Path> s = Files.walk(repository)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void aNewClusterIsRestoredFromTheBackupAndArchiveOfAnother() throws Exception {
    Path script = ClusterFixture.tarballRestoreScript(repository.resolve("restore.sh"));
    try (ClusterFixture cluster = new ClusterFixture(0)) {
      Path afterRestore = postBootstrapScript("after_restore");
      String bootstrap = """
            post_init: %s
            method: restore
            restore:
              command: %s
              tarball: %s
              recovery_conf:
                restore_command: cp %s/%%f %%p
          """.formatted(afterRestore, script, tarball, archive);
      addConfig(cluster, "n1", bootstrap, "", "");
      addConfig(cluster, "n2", bootstrap, "", "");
      cluster.startAll();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);

      Node leader = cluster.leader();
      assertThat(sysid(cluster, leader)).isEqualTo(throwawaySysid);
      assertThat(rows(cluster, leader)).containsExactly("in the backup", "only in the archive");
      // the superuser-only trust that let the agent in before it set the password is gone again
      assertThat(Files.readString(leader.config().postgresql().dataDir().resolve("pg_hba.conf")))
          .doesNotContain("samehost").contains("host replication replicator 127.0.0.1/32 md5");
      sql(cluster, leader, "INSERT INTO probe VALUES ('written in the new cluster')");
      Node replica = cluster.replicas().get(0);
      // post_init (post_bootstrap's older name) ran on the restored cluster before it was declared initialized
      assertThat(madeBy(cluster, leader, "after_restore")).isTrue();
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> madeBy(cluster, replica, "after_restore")
          && madeBy(cluster, replica, "after_initdb"));
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> rows(cluster, replica).contains("written in the new cluster"));
      assertThat(Files.readAllLines(repository.resolve("restore.args"))).containsExactly("--scope="
          + ClusterFixture.SCOPE + " --datadir=" + leader.config().postgresql().dataDir() + " --tarball=" + tarball);
    }
  }

  @Test
  void aFailingScriptFailsTheBootstrapReleasesInitializeAndKeepsItsLeftovers() throws Exception {
    Path script = ClusterFixture.failingRestoreScript(repository.resolve("broken.sh"), "restore failed: no such backup", 3);
    try (ClusterFixture cluster = new ClusterFixture(0);
        CuratorFramework zk = CuratorFrameworkFactory.newClient(cluster.zkConnect(), new RetryOneTime(100))) {
      zk.start();
      Node node = startAlone(cluster, "  method: broken\n  broken:\n    command: " + script + "\n");

      Action.Exit exit = exitOf(node);
      assertThat(exit.message()).contains("exit code 3").contains("restore failed: no such backup");
      assertThat(zk.checkExists().forPath("/service/" + ClusterFixture.SCOPE + "/initialize")).isNull();
      Path dataDir = node.config().postgresql().dataDir();
      List<Path> aside;
      try (Stream<Path> siblings = Files.list(dataDir.getParent())) {
        aside = siblings.filter(p -> p.getFileName().toString().startsWith("data.failed-broken-")).toList();
      }
      assertThat(aside).hasSize(1);
      assertThat(Files.readString(aside.get(0).resolve("junk"))).isEqualTo("half-written\n");
    }
  }

  /**
   * Disaster recovery: ZooKeeper still says the cluster exists (initialize holds its system identifier) but no
   * member is left. A node with an empty data directory restores itself with its {@code no_leader} method, replays
   * the archive, and becomes the leader; {@code basebackup}, which needs a leader, is not tried.
   */
  @Test
  void withNoMemberLeftANoLeaderMethodRestoresTheClusterFromTheBackup() throws Exception {
    Path script = ClusterFixture.tarballRestoreScript(repository.resolve("dr.sh"));
    try (ClusterFixture cluster = new ClusterFixture(0);
        CuratorFramework zk = CuratorFrameworkFactory.newClient(cluster.zkConnect(), new RetryOneTime(100))) {
      zk.start();
      zk.create().creatingParentsIfNeeded().forPath("/service/" + ClusterFixture.SCOPE + "/initialize",
          throwawaySysid.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      addConfig(cluster, "n1", "", """
            create_replica_methods: [basebackup, dr]
            dr:
              command: %s
              tarball: %s
              no_leader: true
            recovery_conf:
              restore_command: cp %s/%%f %%p
          """.formatted(script, tarball, archive), "");
      cluster.startAll();
      Node node = cluster.nodes.get(0);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> node.status().holdsLock() && node.status().postgresPrimary());

      assertThat(sysid(cluster, node)).isEqualTo(throwawaySysid);
      assertThat(rows(cluster, node)).containsExactly("in the backup", "only in the archive");
      assertThat(Files.readAllLines(repository.resolve("dr.args"))).containsExactly("--tarball=" + tarball
          + " --scope=" + ClusterFixture.SCOPE + " --role=replica --datadir=" + node.config().postgresql().dataDir()
          + " --connstring=");
    }
  }

  @Test
  void aFailingPostBootstrapFailsTheBootstrapAsPatroniDoes() throws Exception {
    Path script = ClusterFixture.script(repository.resolve("failing_post.sh"), """
        #!/bin/sh
        echo "cannot create the application's schema" >&2
        exit 1
        """);
    try (ClusterFixture cluster = new ClusterFixture(0);
        CuratorFramework zk = CuratorFrameworkFactory.newClient(cluster.zkConnect(), new RetryOneTime(100))) {
      zk.start();
      Node node = startAlone(cluster, "  post_bootstrap: " + script + "\n");

      Action.Exit exit = exitOf(node);
      assertThat(exit.message()).contains("post_bootstrap exited with code 1: cannot create the application's schema");
      assertThat(zk.checkExists().forPath("/service/" + ClusterFixture.SCOPE + "/initialize")).isNull();
      assertThat(zk.checkExists().forPath("/service/" + ClusterFixture.SCOPE + "/leader")).isNull();
      Path dataDir = node.config().postgresql().dataDir();
      assertThatThrownBy(() -> cluster.connect(node).close()).as("PostgreSQL was stopped").isInstanceOf(SQLException.class);
      assertThat(dataDir.resolveSibling("data.failed").resolve("PG_VERSION")).exists();
    }
  }

  /**
   * A post_bootstrap script that logs its arguments and PGOPTIONS to {@code <name>.args} and creates the table
   * {@code <name>} through the connection string it was given (the password comes from PGPASSFILE).
   */
  private Path postBootstrapScript(String name) throws IOException {
    return ClusterFixture.script(repository.resolve(name + ".sh"), """
        #!/bin/sh
        echo "$@" > "$(dirname "$0")/%1$s.args"
        echo "$PGOPTIONS" >> "$(dirname "$0")/%1$s.args"
        %2$s/psql "$1" -v ON_ERROR_STOP=1 -c "CREATE TABLE %1$s(v text)"
        """.formatted(name, ClusterFixture.PG_BIN));
  }

  private static boolean madeBy(ClusterFixture cluster, Node n, String table) throws SQLException {
    try (Connection c = cluster.connect(n); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /**
   * The fixture's YAML with {@code bootstrapKeys} at the top of {@code bootstrap}, {@code postgresqlKeys} before
   * {@code postgresql.parameters} and {@code parameterLines} at the top of it.
   */
  private static Path addConfig(ClusterFixture cluster, String name, String bootstrapKeys, String postgresqlKeys,
      String parameterLines) throws IOException {
    Path dir = cluster.nodeDir(name);
    String yaml = cluster.yaml(name, ClusterFixture.freePort(), ClusterFixture.freePort(), ClusterFixture.PG_BIN, dir)
        .replace("\nbootstrap:\n", "\nbootstrap:\n" + bootstrapKeys)
        .replace("  parameters:\n    unix_socket_directories:",
            postgresqlKeys + "  parameters:\n" + parameterLines + "    unix_socket_directories:");
    Path yml = dir.resolve("patroni.yml");
    Files.writeString(yml, yaml);
    cluster.configs.add(yml);
    return yml;
  }

  private static String sysid(ClusterFixture cluster, Node n) throws SQLException {
    try (Connection c = cluster.connect(n); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static List<String> rows(ClusterFixture cluster, Node n) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = cluster.connect(n); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM probe ORDER BY v")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }

  private static void sql(ClusterFixture cluster, Node n, String... statements) throws SQLException {
    try (Connection c = cluster.connect(n); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  /** The only node of a new cluster, with these lines in its bootstrap section. */
  private Node startAlone(ClusterFixture cluster, String bootstrapKeys) throws Exception {
    Path yml = addConfig(cluster, "n1", bootstrapKeys, "", "");
    Node node = new Node(ConfigLoader.load(yml), yml);
    cluster.nodes.add(node);
    node.start();
    return node;
  }

  /** How a node whose bootstrap cannot succeed ends: with status 1. */
  private static Action.Exit exitOf(Node node) throws Exception {
    Action.Exit exit = node.exit().get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(exit.code()).isEqualTo(1);
    return exit;
  }
}
