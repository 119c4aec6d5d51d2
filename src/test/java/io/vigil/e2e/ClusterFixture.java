package io.vigil.e2e;

import io.vigil.agent.daemon.Node;
import io.vigil.config.ConfigLoader;
import io.vigil.restapi.NodeStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;

/**
 * A real cluster for end-to-end tests: a real ZooKeeper (curator-test) and three Vigil nodes, each
 * with its own real PostgreSQL 15, all on ephemeral loopback ports. The YAML is the one the
 * scenario harness generates for Patroni, with only ports and paths changed.
 */
final class ClusterFixture implements AutoCloseable {

  static final String SCOPE = "e2e";
  static final String SU_PASSWORD = "e2e-su";
  static final String PG_BIN = System.getProperty("pg.bin", "/usr/lib/postgresql/15/bin");
  static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  /** The single ZooKeeper server; null when the cluster runs on an {@link #ensemble}. */
  final TestingServer zk;
  /** A 3-server ZooKeeper ensemble in this JVM, as production runs it; null with a single server. */
  final TestingCluster ensemble;
  /** A ZooKeeper the test manages itself; null otherwise. */
  private final String external;
  private final String zookeeperKeys;
  /** This cluster's scope: {@link #SCOPE}, or another when two clusters share one ZooKeeper. */
  final String scope;
  /** More keys for {@code bootstrap.dcs} (e.g. a {@code standby_cluster} section), indented as its keys. */
  private final String dcsKeys;
  final Path base;
  final List<Node> nodes = new ArrayList<>();
  final List<Path> configs = new ArrayList<>();
  final List<Integer> pgPorts = new ArrayList<>();
  final List<Integer> restPorts = new ArrayList<>();

  ClusterFixture(int size) throws Exception {
    this(size, 1);
  }

  /** {@code zkServers} 1: one TestingServer; 3 (or 5): an ensemble, its connection string naming every server. */
  ClusterFixture(int size, int zkServers) throws Exception {
    this(size, zkServers, null, "", SCOPE, "");
  }

  /**
   * On a ZooKeeper the test runs itself ({@code connect}), with more keys for the {@code zookeeper} section (TLS,
   * set_acls), indented as its keys.
   */
  ClusterFixture(int size, String connect, String zookeeperKeys) throws Exception {
    this(size, 0, connect, zookeeperKeys, SCOPE, "");
  }

  /**
   * A second cluster, of scope {@code scope}, on the ZooKeeper of {@code first} (which keeps owning it), with more
   * {@code bootstrap.dcs} keys given as YAML indented as those keys.
   */
  ClusterFixture(int size, ClusterFixture first, String scope, String dcsKeys) throws Exception {
    this(size, 0, first.zkConnect(), "", scope, dcsKeys);
  }

  private ClusterFixture(int size, int zkServers, String connect, String zookeeperKeys, String scope, String dcsKeys)
      throws Exception {
    this.external = connect;
    this.zookeeperKeys = zookeeperKeys;
    this.scope = scope;
    this.dcsKeys = dcsKeys;
    if (connect != null) {
      zk = null;
      ensemble = null;
    } else if (zkServers == 1) {
      zk = new TestingServer(true);
      ensemble = null;
    } else {
      zk = null;
      ensemble = new TestingCluster(zkServers);
      ensemble.start();
    }
    base = Files.createTempDirectory("vigil-e2e");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (int i = 1; i <= size; i++) {
      int rest = freePort();
      int pg = freePort();
      restPorts.add(rest);
      pgPorts.add(pg);
      configs.add(writeConfig("n" + i, rest, pg, PG_BIN));
    }
  }

  void startAll() throws Exception {
    for (Path c : configs) {
      Node n = new Node(ConfigLoader.load(c), c);
      n.start();
      nodes.add(n);
    }
  }

  Path writeConfig(String name, int restPort, int pgPort, String binDir) throws IOException {
    Path dir = nodeDir(name);
    Path yml = dir.resolve("patroni.yml");
    Files.writeString(yml, yaml(name, restPort, pgPort, binDir, dir));
    return yml;
  }

  /**
   * A node's directory (PostgreSQL's data directory goes inside) with the callback script {@link #yaml} names:
   * every callback appends its arguments to {@code callbacks.log} next to it.
   */
  Path nodeDir(String name) throws IOException {
    Path dir = base.resolve(name);
    Files.createDirectories(dir);
    if (ROOT) {
      chownToPostgres(dir);
    }
    Path callback = dir.resolve("callback.sh");
    Files.writeString(callback, "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/callbacks.log\"\n");
    Files.setPosixFilePermissions(callback, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  String yaml(String name, int restPort, int pgPort, String binDir, Path dir) {
    return """
        scope: %1$s
        namespace: /service/
        name: %2$s

        restapi:
          listen: 127.0.0.1:%3$d
          connect_address: 127.0.0.1:%3$d

        zookeeper:
          hosts:
          - %4$s
        %9$s

        bootstrap:
          dcs:
            ttl: 10
            loop_wait: 2
            retry_timeout: 3
            maximum_lag_on_failover: 1048576
            %10$s
            postgresql:
              use_pg_rewind: true
              use_slots: true
              remove_data_directory_on_rewind_failure: true
              remove_data_directory_on_diverged_timelines: true
              parameters:
                wal_level: replica
                hot_standby: 'on'
                max_connections: 100
                max_wal_senders: 10
                max_replication_slots: 10
                wal_keep_size: 128MB
                wal_log_hints: 'on'
          initdb:
          - encoding: UTF8
          - locale: C.UTF-8
          - data-checksums
          pg_hba:
          - local all all trust
          - host replication replicator 127.0.0.1/32 md5
          - host all all 127.0.0.1/32 md5
          users:
            app_owner:
              password: e2e-app-owner
              options:
              - createdb
              - connection limit 7

        postgresql:
          listen: 127.0.0.1:%5$d
          connect_address: 127.0.0.1:%5$d
          data_dir: %6$s/data
          bin_dir: %7$s
          pgpass: %6$s/pgpass
          basebackup:
          - checkpoint: fast
          authentication:
            replication:
              username: replicator
              password: e2e-repl
            superuser:
              username: postgres
              password: %8$s
          callbacks:
            on_start: %6$s/callback.sh
            on_stop: %6$s/callback.sh
            on_restart: %6$s/callback.sh
            on_reload: %6$s/callback.sh
            on_role_change: %6$s/callback.sh
          parameters:
            unix_socket_directories: '%6$s'
            shared_buffers: 32MB
            fsync: 'off'

        watchdog:
          mode: 'off'

        tags:
          nofailover: false
          noloadbalance: false
          clonefrom: false
          nosync: false
        """.formatted(scope, name, restPort, zkConnect(), pgPort, dir, binDir, SU_PASSWORD, zookeeperKeys.stripTrailing(),
            dcsKeys.stripTrailing());
  }

  Node leader() {
    return nodes.stream().filter(n -> n.status().holdsLock()).findFirst().orElseThrow();
  }

  List<Node> replicas() {
    return nodes.stream().filter(n -> !n.status().holdsLock()).toList();
  }

  String zkConnect() {
    return external != null ? external : zk != null ? zk.getConnectString() : ensemble.getConnectString();
  }

  /** One primary holding the lock and every other node a running replica, per the REST snapshots. */
  boolean healthy() {
    List<NodeStatus> st = nodes.stream().map(Node::status).toList();
    return st.stream().filter(s -> s.holdsLock() && s.postgresPrimary()).count() == 1
        && st.stream().filter(s -> "replica".equals(s.role()) && "running".equals(s.state())).count()
            == nodes.size() - 1;
  }

  Connection connect(Node n) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", SU_PASSWORD);
    p.setProperty("connectTimeout", "3");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + n.config().postgresql().listen().port() + "/postgres", p);
  }

  @Override
  public void close() throws Exception {
    nodes.stream().sorted(Comparator.comparing((Node n) -> n.status().holdsLock())).forEach(Node::shutdown);
    if (zk != null) {
      zk.close();
    }
    if (ensemble != null) {
      ensemble.close();
    }
    List<Path> logs = logs();
    keepLogs(logs);
    List<String> leaks = secretsIn(logs);
    // an on_stop callback started by the shutdown may still append to its log while the tree goes
    Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      try (Stream<Path> s = Files.walk(base)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
      return Files.notExists(base);
    });
    if (!leaks.isEmpty()) {
      throw new AssertionError("a configured password appears in a log: " + leaks);
    }
  }

  /**
   * Copies every log of the run (agents, callbacks, PostgreSQL) to {@code target/e2e-logs/<test class>-<dir>/}
   * before the tree goes, so a failure that happens once in twenty runs can be read afterwards.
   */
  /** Every log of the run: agents, callbacks, PostgreSQL. */
  private List<Path> logs() throws IOException {
    try (Stream<Path> s = Files.walk(base)) {
      return s.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".log")).toList();
    }
  }

  private void keepLogs(List<Path> logs) throws IOException {
    String test = StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
        .filter(c -> c.endsWith("Test")).findFirst()).orElse("unknown");
    Path keep = Path.of("target", "e2e-logs", test.substring(test.lastIndexOf('.') + 1) + "-" + base.getFileName());
    for (Path p : logs) {
      Files.createDirectories(keep);
      Files.copy(p, keep.resolve(base.relativize(p).toString().replace('/', '_')));
    }
  }

  private static final Pattern SECRET = Pattern.compile("(?m)^\\s*(?:password|keyfile_password|key_password):\\s*(\\S+)\\s*$");

  /**
   * Issue 14: passwords never leak. Every password of every node's patroni.yml (PostgreSQL users, REST API, key
   * passwords) is looked for in every log of the run; {@link #close} fails when one shows up.
   */
  private List<String> secretsIn(List<Path> logs) throws IOException {
    Set<String> secrets = new java.util.TreeSet<>();
    for (Path yml : configs) {
      if (Files.exists(yml)) {
        Matcher m = SECRET.matcher(Files.readString(yml));
        while (m.find()) {
          secrets.add(m.group(1).replaceAll("^['\"]|['\"]$", ""));
        }
      }
    }
    List<String> leaks = new ArrayList<>();
    for (Path log : logs) {
      String text = Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1);
      secrets.stream().filter(text::contains).forEach(secret -> leaks.add(base.relativize(log) + " shows the "
          + "password that begins with " + secret.charAt(0)));
    }
    return leaks;
  }

  /** {@code dir} created (with parents) and handed to the PostgreSQL user, who runs the scripts that write there. */
  static Path postgresOwnedDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (ROOT) {
      chownToPostgres(dir);
    }
    return dir;
  }

  /** A script for the agent to run (as the PostgreSQL user): {@code text} in {@code file}, mode 0755. */
  static Path script(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  /**
   * A stand-in for a backup tool's restore command: logs its arguments to {@code <name>.args} next to it and unpacks
   * the {@link #tarBackup} found at {@code --tarball=} into {@code --datadir=}.
   */
  static Path tarballRestoreScript(Path file) throws IOException {
    String name = file.getFileName().toString().replaceFirst("\\.sh$", "");
    return script(file, """
        #!/bin/sh
        echo "$@" >> "$(dirname "$0")/%s.args"
        for a in "$@"; do
          case "$a" in --datadir=*) d="${a#--datadir=}";; --tarball=*) t="${a#--tarball=}";; esac
        done
        tar -xf "$t/base.tar" -C "$d" && tar -xf "$t/pg_wal.tar" -C "$d/pg_wal"
        """.formatted(name));
  }

  /** A restore command that fails half-way: junk in {@code --datadir=}, {@code message} on stderr, {@code status}. */
  static Path failingRestoreScript(Path file, String message, int status) throws IOException {
    return script(file, """
        #!/bin/sh
        for a in "$@"; do case "$a" in --datadir=*) d="${a#--datadir=}";; esac; done
        echo half-written > "$d/junk"
        echo "%s" >&2
        exit %d
        """.formatted(message, status));
  }

  /**
   * {@code pg_basebackup -Ft -X stream} of {@code from} into {@code dir} (base.tar and pg_wal.tar), as the
   * replication user: what a backup tool's repository would hold.
   */
  static void tarBackup(Node from, Path dir) throws Exception {
    List<String> argv = new ArrayList<>();
    if (ROOT) {
      argv.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    argv.addAll(List.of(PG_BIN + "/pg_basebackup", "-D", dir.toString(), "-Ft", "-X", "stream", "--checkpoint=fast",
        "-h", "127.0.0.1", "-p", Integer.toString(from.config().postgresql().listen().port()), "-U", "replicator"));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", "e2e-repl");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("pg_basebackup -Ft failed: " + output);
    }
  }

  /** Ports handed out in this JVM: they are bound only later (PostgreSQL, REST), so the kernel may offer one twice. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  static int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }

  static void chownToPostgres(Path p) throws IOException {
    UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(p, users.lookupPrincipalByName("postgres"));
    Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(users.lookupPrincipalByGroupName("postgres"));
  }
}
