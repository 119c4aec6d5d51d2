package io.vigil.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Three Vigil agents as real processes ({@code java -jar vigil.jar patroni.yml}, as scripts/vigil
 * runs them), so tests can kill -9 an agent, its postmaster, or both, and restart it.
 */
final class ProcessCluster implements AutoCloseable {

  final ClusterFixture files;
  private final Map<String, Process> agents = new HashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();
  private CuratorFramework zk;
  private final HttpClient http;
  private final String scheme;

  ProcessCluster(int size) throws Exception {
    this(new ClusterFixture(size));
  }

  ProcessCluster(ClusterFixture files) {
    this(files, null);
  }

  /** Agents that serve HTTPS: the test's own REST calls go through {@code tls} (its CA, its client certificate). */
  ProcessCluster(ClusterFixture files, SSLContext tls) {
    this.files = files;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
    this.http = (tls == null ? builder : builder.sslContext(tls)).build();
    this.scheme = tls == null ? "http" : "https";
  }

  List<String> names() {
    List<String> n = new ArrayList<>();
    for (int i = 1; i <= files.configs.size(); i++) {
      n.add("n" + i);
    }
    return n;
  }

  int index(String name) {
    return Integer.parseInt(name.substring(1)) - 1;
  }

  void start(String name) throws IOException {
    Path cfg = files.configs.get(index(name));
    Path log = cfg.resolveSibling("agent.log");
    ProcessBuilder pb = new ProcessBuilder("java", "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1",
        "-jar", System.getProperty("vigil.jar", "agent/target/vigil.jar"), cfg.toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    agents.put(name, pb.start());
  }

  void startAll() throws IOException {
    for (String n : names()) {
      start(n);
    }
  }

  /** kill -9 of the agent process: its ZooKeeper session lives on until it expires. */
  void killAgent(String name) throws InterruptedException {
    Process p = agents.remove(name);
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * kill -9 of the agent and of its fence process: nothing is left to stop the node's PostgreSQL, as on a node where
   * the fence is off (vigil.fence: off) or died with the agent.
   */
  void killAgentAndFence(String name) throws InterruptedException {
    String dataDir = files.configs.get(index(name)).resolveSibling("data").toString();
    fences(dataDir).forEach(ProcessHandle::destroyForcibly);
    killAgent(name);
    fences(dataDir).forEach(ProcessHandle::destroyForcibly);
  }

  /** The fence processes (vigil-fence) watching this data directory. */
  static java.util.stream.Stream<ProcessHandle> fences(String dataDir) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/vigil-fence")).orElse(false))
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(dataDir)).orElse(false));
  }

  /** SIGTERM, as systemd or the harness stops an agent. */
  int stopAgent(String name) throws InterruptedException {
    Process p = agents.remove(name);
    p.destroy();
    p.waitFor(90, TimeUnit.SECONDS);
    return p.exitValue();
  }

  /** Sends a signal to the agent: HUP as {@code systemctl reload} does, STOP/CONT to freeze and thaw it. */
  void signal(String name, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(agents.get(name).pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " failed for the agent of " + name);
    }
  }

  boolean agentAlive(String name) {
    return agents.containsKey(name) && agents.get(name).isAlive();
  }

  /** kill -9 of the node's postmaster (read from postmaster.pid). */
  void killPostmaster(String name) throws Exception {
    long pid = postmasterPid(name).orElseThrow();
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    long deadline = System.currentTimeMillis() + 10_000;
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }

  Optional<Long> postmasterPid(String name) throws IOException {
    Path pidFile = files.configs.get(index(name)).resolveSibling("data/postmaster.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
  }

  /** The status of a GET on the node's REST API; -1 when it does not answer. */
  int rest(String name, String path) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + files.restPorts.get(index(name))
            + path))
        .timeout(Duration.ofSeconds(2)).GET().build();
    // A kept-alive connection to an agent that has been restarted since fails once; a second try opens a new one.
    for (int attempt = 1; ; attempt++) {
      try {
        return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (HttpTimeoutException e) {
        return -1;
      } catch (IOException e) {
        if (attempt == 2) {
          return -1;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
  }

  Connection connect(String name) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", ClusterFixture.SU_PASSWORD);
    p.setProperty("connectTimeout", "2");
    p.setProperty("socketTimeout", "5");
    return java.sql.DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + files.pgPorts.get(index(name)) + "/postgres", p);
  }

  /** The node takes a write right now. */
  boolean writable(String name) {
    try (Connection c = connect(name); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS probe(node text, at timestamptz default now())");
      s.execute("INSERT INTO probe(node) VALUES ('" + name + "')");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  Optional<String> writablePrimary() {
    return names().stream().filter(n -> agents.containsKey(n) && rest(n, "/primary") == 200 && writable(n)).findFirst();
  }

  int timeline(String name) throws SQLException {
    try (Connection c = connect(name); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT timeline_id FROM pg_control_checkpoint()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  List<String> streamingFrom(String leader) {
    List<String> out = new ArrayList<>();
    try (Connection c = connect(leader); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      return List.of();
    }
    return out;
  }

  boolean healthy() {
    Optional<String> leader = names().stream().filter(n -> rest(n, "/primary") == 200).findFirst();
    return leader.isPresent() && streamingFrom(leader.get()).size() == names().size() - 1
        && names().stream().filter(n -> !n.equals(leader.get())).allMatch(n -> rest(n, "/replica") == 200);
  }

  /** Waits until {@link #healthy()}: one primary holding the lock, every other node streaming from it. */
  void awaitHealthy(Duration timeout) {
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(this::healthy);
  }

  /** The node that answers {@code /primary} and takes a write now; fails when there is none. */
  String leader() {
    return writablePrimary().orElseThrow();
  }

  String log(String name) throws IOException {
    Path log = files.configs.get(index(name)).resolveSibling("agent.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /**
   * Waits until the agent's log, from offset {@code from} on, contains {@code text}; on timeout fails with the
   * log's last lines, so a CI failure shows what the agent did instead.
   */
  void awaitLog(String name, int from, String text, Duration timeout) throws IOException {
    try {
      Awaitility.await().atMost(timeout).until(() -> log(name).substring(from).contains(text));
    } catch (ConditionTimeoutException e) {
      List<String> lines = log(name).lines().toList();
      throw new AssertionError("the agent of " + name + " did not log \"" + text + "\" within " + timeout
          + "; the last lines of its log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60),
          lines.size())), e);
    }
  }

  private CuratorFramework zk() {
    if (zk == null) {
      zk = CuratorFrameworkFactory.newClient(files.zkConnect(), new RetryOneTime(100));
      zk.start();
    }
    return zk;
  }

  /** Overwrites (or creates) {@code /service/<scope>/<key>} with {@code data}, as any other ZooKeeper client could. */
  void writeZnode(String key, byte[] data) throws Exception {
    String path = "/service/" + files.scope + "/" + key;
    if (zk().checkExists().forPath(path) == null) {
      zk().create().creatingParentsIfNeeded().forPath(path, data);
    } else {
      zk().setData().forPath(path, data);
    }
  }

  /** The ZooKeeper session that owns the leader lock (the znode's ephemeralOwner); 0 when there is no lock. */
  long leaderSession() throws Exception {
    var stat = zk().checkExists().forPath("/service/" + files.scope + "/leader");
    return stat == null ? 0 : stat.getEphemeralOwner();
  }

  /** The leader's {@code optime} in {@code /status}; -1 while there is none. */
  long publishedOptime() throws Exception {
    CuratorFramework zk = zk();
    String path = "/service/" + files.scope + "/status";
    if (zk.checkExists().forPath(path) == null) {
      return -1;
    }
    Object optime = JSON.readValue(zk.getData().forPath(path), Map.class).get("optime");
    return optime instanceof Number n ? n.longValue() : -1;
  }

  @Override
  public void close() throws Exception {
    if (zk != null) {
      zk.close();
    }
    for (String n : new ArrayList<>(agents.keySet())) {
      stopAgent(n);
    }
    for (String n : names()) {
      // a stale postmaster.pid (a killed postmaster) may name a pid that now belongs to another process
      postmasterPid(n).flatMap(ProcessHandle::of)
          .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
          .ifPresent(ProcessHandle::destroyForcibly);
    }
    files.close();
  }
}
