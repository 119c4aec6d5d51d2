package io.vigil.agent.demo;

import io.vigil.agent.cli.VigilCtl;
import io.vigil.agent.daemon.Node;
import io.vigil.agent.haproxy.HaProxy;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.PostgresqlConfig;
import io.vigil.dcs.EmbeddedZooKeeper;
import io.vigil.restapi.NodeStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * {@code vigil demo}: an embedded ZooKeeper and three Vigil nodes with their own PostgreSQL on free loopback ports,
 * data under one directory of its own, and, when HAProxy is installed, HAProxy in front of them as in production;
 * Ctrl-C stops everything it started.
 */
public final class Demo {

  static final String SCOPE = "demo";
  static final String LOG_FILE = "demo.log";
  private static final String MARKER = ".vigil-demo";
  private static final long READY_TIMEOUT_MS = 120_000;
  private static final String USAGE = "vigil demo [--dir DIR] [--zk-ensemble] [--verbose]";

  /** The demo's ZooKeeper: one embedded server, or an ensemble of server processes. */
  private record ZooKeeper(String connectString, List<String> description, Runnable close) {}

  private final Path dir;
  private final PrintStream out;
  private final List<Node> nodes = new CopyOnWriteArrayList<>();
  private volatile ZooKeeper zk;
  private volatile HaProxy haproxy;
  private volatile DemoLogging logging;

  Demo(Path dir, PrintStream out) {
    this.dir = dir;
    this.out = out;
  }

  /** {@code vigil demo [--dir D] [--zk-ensemble] [--verbose]}. */
  public static int run(String[] args) {
    List<String> a = List.of(args);
    int d = a.indexOf("--dir");
    Optional<String> unexpected = unexpected(a);
    if (unexpected.isPresent()) {
      System.err.println("vigil demo: unexpected '" + unexpected.get() + "'; usage: " + USAGE);
      return 2;
    }
    Path dir = Path.of(d >= 0 ? a.get(d + 1) : System.getProperty("java.io.tmpdir") + "/vigil-demo");
    Demo demo = new Demo(dir, System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nstopping the demo cluster ...");
      demo.close();
      System.out.println("stopped; data kept in " + dir);
      stopped.countDown();
    }, "demo-shutdown"));
    try {
      demo.start(a.contains("--zk-ensemble"), a.contains("--verbose"), HaProxy.binary());
    } catch (DemoException e) {
      System.err.println("vigil demo: " + e.getMessage());
      return 1;
    }
    System.out.println("Press Ctrl-C to stop the cluster.");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return -1;
  }

  /** The first argument that is not an option of the demo (or a {@code --dir} without its directory). */
  static Optional<String> unexpected(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--dir") && i + 1 < args.size()) {
        i++;
      } else if (!arg.equals("--zk-ensemble") && !arg.equals("--verbose")) {
        return Optional.of(arg);
      }
    }
    return Optional.empty();
  }

  /** Starts the cluster (and HAProxy, given its binary), waits until it is healthy and prints how to reach it. */
  void start(boolean ensemble, boolean verbose, Optional<Path> haproxyBinary) throws DemoException {
    DemoFiles files = DemoFiles.prepare(dir, MARKER);
    logging = DemoLogging.apply(dir.resolve(LOG_FILE), verbose);
    zk = zookeeper(ensemble);
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
    Node leader = awaitHealthy();
    String withoutHaProxy = "HAProxy is not installed: apt-get install haproxy, and the demo also prints read-write "
        + "and read-only endpoints that follow a switchover";
    if (haproxyBinary.isPresent()) {
      try {
        haproxy = startHaProxy(haproxyBinary.get());
      } catch (DemoException e) {
        // the cluster itself is up: say why there are no HAProxy endpoints rather than stop it all
        withoutHaProxy = "HAProxy not started: " + e.getMessage();
      }
    }
    printEndpoints(leader, verbose, withoutHaProxy);
  }

  /** Stops what {@link #start} started: HAProxy, the replicas, the leader, ZooKeeper; the console as it was. */
  void close() {
    if (haproxy != null) {
      try {
        haproxy.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    nodes.stream().sorted(Comparator.comparing((Node n) -> n.status().holdsLock())).forEach(Node::shutdown);
    if (zk != null) {
      zk.close().run();
    }
    if (logging != null) {
      logging.close();
    }
  }

  List<Node> nodes() {
    return nodes;
  }

  private ZooKeeper zookeeper(boolean ensemble) throws DemoException {
    if (!ensemble) {
      EmbeddedZooKeeper server = EmbeddedZooKeeper.start(dir.resolve("zookeeper"), 0);
      return new ZooKeeper(server.connectString(), List.of("  ZooKeeper  " + server.connectString()), server::close);
    }
    try {
      ZooKeeperEnsemble servers = ZooKeeperEnsemble.start(dir, 3, Demo::freePort);
      return new ZooKeeper(servers.connectString(), servers.describe(), servers::close);
    } catch (IOException e) {
      throw new DemoException("could not start the ZooKeeper ensemble: " + e.getMessage());
    }
  }

  /** The leader, once it runs as primary and both replicas run. */
  private Node awaitHealthy() throws DemoException {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      List<NodeStatus> st = nodes.stream().map(Node::status).toList();
      List<Node> leaders = nodes.stream().filter(n -> n.status().holdsLock() && n.status().postgresPrimary()).toList();
      long replicas = st.stream().filter(s -> "replica".equals(s.role()) && "running".equals(s.state())).count();
      if (leaders.size() == 1 && replicas == nodes.size() - 1) {
        return leaders.get(0);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DemoException("interrupted while waiting for the cluster");
      }
    }
    throw new DemoException("the cluster did not become healthy within " + READY_TIMEOUT_MS / 1000 + " s");
  }

  private HaProxy startHaProxy(Path binary) throws DemoException {
    Path template;
    try {
      template = HaProxy.templateNextTo(Path.of(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException e) {
      throw new DemoException("cannot tell where vigil.jar is: " + e.getMessage());
    }
    if (!Files.isReadable(template)) {
      throw new DemoException("HAProxy is installed but " + template + " is missing: run the demo from a checkout");
    }
    try {
      return HaProxy.start(binary, template, nodes.stream().map(Node::config).toList(), dir, Demo::freePort);
    } catch (IOException e) {
      throw new DemoException("HAProxy: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoException("interrupted while starting HAProxy");
    }
  }

  private void printEndpoints(Node leader, boolean verbose, String withoutHaProxy) {
    out.println();
    out.println("Vigil demo cluster '" + SCOPE + "' is up. Data: " + dir);
    zk.description().forEach(out::println);
    for (Node n : nodes) {
      var c = n.config();
      out.printf("  %s  %-7s  REST http://%s/patroni   PostgreSQL %s%n", c.name(),
          n == leader ? "leader" : "replica", c.restapi().connectAddress(), c.postgresql().connectAddress());
    }
    PostgresqlConfig pg = leader.config().postgresql();
    out.println();
    out.println("  psql, on the leader " + leader.config().name() + ":");
    out.println("    " + psql(pg, pg.connectAddress().port()));
    if (haproxy != null) {
      out.println("  through HAProxy, which follows a switchover or failover (" + dir.resolve("haproxy.cfg") + "):");
      out.println("    read-write: " + psql(pg, haproxy.readWritePort()));
      out.println("    read-only:  " + psql(pg, haproxy.readOnlyPort()));
    } else {
      out.println("  " + withoutHaProxy);
    }
    out.println("  vigilctl: scripts/vigilctl -c " + dir.resolve("n1/patroni.yml") + " list");
    out.println("  log:      " + dir.resolve(LOG_FILE) + (verbose ? ""
        : " (all of it; this console shows decisions, warnings and errors: --verbose for everything)"));
    out.println();
    VigilCtl.run(new String[] {"-c", dir.resolve("n1/patroni.yml").toString(), "list"}, System.in, out, System.err);
    out.println();
  }

  private static String psql(PostgresqlConfig pg, int port) {
    return "PGPASSWORD=" + pg.superuser().password() + " psql -h 127.0.0.1 -p " + port + " -U "
        + pg.superuser().username() + " postgres";
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
