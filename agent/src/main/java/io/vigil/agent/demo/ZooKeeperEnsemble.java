package io.vigil.agent.demo;

import io.vigil.dcs.EmbeddedZooKeeper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;

/**
 * {@code vigil demo --zk-ensemble}: three ZooKeeper servers on 127.0.0.1, each a process of its own (so that one can
 * be killed and started again to see the agents' sessions move), started from this JVM's class path.
 */
final class ZooKeeperEnsemble implements AutoCloseable {

  private final List<Process> servers = new ArrayList<>();
  private final String connectString;

  private ZooKeeperEnsemble(String connectString) {
    this.connectString = connectString;
  }

  static ZooKeeperEnsemble start(Path dir, int size, java.util.function.IntSupplier freePort) throws IOException {
    Map<Integer, int[]> ports = new LinkedHashMap<>();
    StringJoiner connect = new StringJoiner(",");
    StringJoiner spec = new StringJoiner(",");
    for (int id = 1; id <= size; id++) {
      int[] p = {freePort.getAsInt(), freePort.getAsInt(), freePort.getAsInt()};
      ports.put(id, p);
      connect.add("127.0.0.1:" + p[0]);
      spec.add(id + ":" + p[0] + ":" + p[1] + ":" + p[2]);
    }
    ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(connect.toString());
    String java = ProcessHandle.current().info().command().orElse("java");
    for (int id = 1; id <= size; id++) {
      Path serverDir = dir.resolve("zookeeper" + id);
      Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1",
          "-cp", System.getProperty("java.class.path"), ZooKeeperEnsemble.class.getName(),
          serverDir.toString(), Integer.toString(id), spec.toString())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("zookeeper" + id + ".log").toFile()))
          .start();
      ensemble.servers.add(p);
    }
    return ensemble;
  }

  String connectString() {
    return connectString;
  }

  /** One line per server: its client port and its pid, for the user who wants to kill one. */
  List<String> describe() {
    List<String> lines = new ArrayList<>();
    String[] addresses = connectString.split(",");
    for (int i = 0; i < servers.size(); i++) {
      lines.add("  ZooKeeper server " + (i + 1) + "  " + addresses[i] + "  pid " + servers.get(i).pid());
    }
    lines.add("  kill one of them: the agents' sessions move to the other two and nothing fails over; kill two: the "
        + "primary stops taking writes");
    return lines;
  }

  @Override
  public void close() {
    servers.forEach(Process::destroy);
  }

  /** One member in its own process: {@code <dir> <myid> <id:client:quorum:election,...>}; runs until killed. */
  public static void main(String[] args) throws InterruptedException {
    Map<Integer, int[]> ports = new LinkedHashMap<>();
    for (String member : args[2].split(",")) {
      String[] f = member.split(":");
      ports.put(Integer.parseInt(f[0]), new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2]),
          Integer.parseInt(f[3])});
    }
    EmbeddedZooKeeper server = EmbeddedZooKeeper.startMember(Path.of(args[0]), Integer.parseInt(args[1]), ports);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
