package io.vigil.agent.demo;

import io.vigil.agent.cli.VigilCtl;
import io.vigil.agent.daemon.Node;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.dcs.EmbeddedZooKeeper;
import io.vigil.restapi.NodeStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * {@code vigil demo}: an embedded ZooKeeper and three Vigil nodes with their own PostgreSQL on free
 * loopback ports, data under one directory of its own; Ctrl-C stops everything it started.
 */
public final class Demo {

  static final String SCOPE = "demo";
  private static final String MARKER = ".vigil-demo";
  private static final long READY_TIMEOUT_MS = 120_000;

  private Demo() {}

  /** The demo's ZooKeeper: one embedded server, or an ensemble of server processes. */
  private record ZooKeeper(String connectString, List<String> description, Runnable close) {}

  /** {@code vigil demo [--dir D] [--zk-ensemble]}. */
  public static int run(String[] args) {
    List<String> a = List.of(args);
    int d = a.indexOf("--dir");
    Path dir = Path.of(d >= 0 && d + 1 < a.size() ? a.get(d + 1) : System.getProperty("java.io.tmpdir") + "/vigil-demo");
    try {
      return new Demo().start(dir, a.contains("--zk-ensemble"));
    } catch (DemoException e) {
      System.err.println("vigil demo: " + e.getMessage());
      return 1;
    }
  }

  private static ZooKeeper zookeeper(Path dir, boolean ensemble) throws DemoException {
    if (!ensemble) {
      EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir.resolve("zookeeper"), 0);
      return new ZooKeeper(zk.connectString(), List.of("  ZooKeeper  " + zk.connectString()), zk::close);
    }
    try {
      ZooKeeperEnsemble zk = ZooKeeperEnsemble.start(dir, 3, Demo::freePort);
      return new ZooKeeper(zk.connectString(), zk.describe(), zk::close);
    } catch (IOException e) {
      throw new DemoException("could not start the ZooKeeper ensemble: " + e.getMessage());
    }
  }

  private int start(Path dir, boolean ensemble) throws DemoException {
    DemoFiles files = DemoFiles.prepare(dir, MARKER);
    ZooKeeper zk = zookeeper(dir, ensemble);
    List<Node> nodes = new ArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nstopping the demo cluster ...");
      nodes.stream().sorted(Comparator.comparing((Node n) -> n.status().holdsLock())).forEach(Node::shutdown);
      zk.close().run();
      System.out.println("stopped; data kept in " + dir);
      stopped.countDown();
    }, "demo-shutdown"));
    for (int i = 1; i <= 3; i++) {
      String name = "n" + i;
      Path yml = files.writeNodeConfig(name, zk.connectString(), freePort(), freePort());
      try {
        Node node = new Node(ConfigLoader.load(yml), yml);
        node.start();
        nodes.add(node);
      } catch (ConfigException | Node.StartupException e) {
        throw new DemoException(name + ": " + e.getMessage());
      }
    }
    awaitHealthy(nodes);
    printEndpoints(dir, zk, nodes);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return -1;
  }

  private static void awaitHealthy(List<Node> nodes) throws DemoException {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      List<NodeStatus> st = nodes.stream().map(Node::status).toList();
      long leaders = st.stream().filter(s -> s.holdsLock() && s.postgresPrimary()).count();
      long replicas = st.stream().filter(s -> "replica".equals(s.role()) && "running".equals(s.state())).count();
      if (leaders == 1 && replicas == nodes.size() - 1) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new DemoException("the cluster did not become healthy within " + READY_TIMEOUT_MS / 1000 + " s");
  }

  private static void printEndpoints(Path dir, ZooKeeper zk, List<Node> nodes) {
    System.out.println();
    System.out.println("Vigil demo cluster '" + SCOPE + "' is up. Data: " + dir);
    zk.description().forEach(System.out::println);
    for (Node n : nodes) {
      var c = n.config();
      System.out.printf("  %s  %-7s  REST http://%s/patroni   PostgreSQL %s%n", c.name(),
          n.status().holdsLock() ? "leader" : "replica", c.restapi().connectAddress(), c.postgresql().connectAddress());
    }
    Node first = nodes.get(0);
    var pg = first.config().postgresql();
    System.out.println();
    System.out.println("  psql:     PGPASSWORD=" + pg.superuser().password() + " psql -h 127.0.0.1 -p "
        + pg.connectAddress().port() + " -U " + pg.superuser().username() + " postgres");
    System.out.println("  vigilctl: scripts/vigilctl -c " + dir.resolve("n1/patroni.yml") + " list");
    System.out.println();
    VigilCtl.run(new String[] {"-c", dir.resolve("n1/patroni.yml").toString(), "list"});
    System.out.println();
    System.out.println("Press Ctrl-C to stop the cluster.");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final class DemoException extends Exception {
    DemoException(String message) {
      super(message);
    }
  }

  static boolean isEmptyDir(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
