package io.vigil.e2e;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One writer per node that inserts straight into that node's PostgreSQL (no router), as a client that still holds a
 * connection to an old primary would, and records on the monotonic clock ({@link System#nanoTime()}) when each node
 * first and last acknowledged a write.
 */
final class DirectWriters implements AutoCloseable {

  private final ProcessCluster cluster;
  private final Map<String, Long> first = new ConcurrentHashMap<>();
  private final Map<String, Long> last = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  DirectWriters(ProcessCluster cluster, List<String> nodes) {
    this.cluster = cluster;
    for (String n : nodes) {
      Thread t = new Thread(() -> write(n), "direct-writer-" + n);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  private void write(String node) {
    while (!stopped) {
      try (Connection c = cluster.connect(node); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS direct_writes(node text, at timestamptz default clock_timestamp())");
        while (!stopped) {
          long sent = System.nanoTime();
          s.execute("INSERT INTO direct_writes(node) VALUES ('" + node + "')");
          // first: when the request left (the commit is later); last: when the answer came (the commit is earlier)
          first.putIfAbsent(node, sent);
          last.put(node, System.nanoTime());
          Thread.sleep(10);
        }
      } catch (SQLException e) {
        pause(50); // a replica (read-only), a stopped server or one starting up: try again
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** When the node last acknowledged a write; 0 when it never did. */
  long lastOk(String node) {
    return last.getOrDefault(node, 0L);
  }

  /** When the node's first acknowledged write was sent; 0 when it never acknowledged one. */
  long firstOk(String node) {
    return first.getOrDefault(node, 0L);
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      t.join(10_000);
    }
  }
}
