package io.vigil.e2e;

/**
 * Every 100 ms: {@code GET /primary} on one node and an INSERT on its PostgreSQL; records the longest time between two
 * successes of each (what a health-checking router and a writing client would see as an outage).
 */
final class AvailabilityProbe implements AutoCloseable {

  private final ProcessCluster cluster;
  private final String node;
  private final Thread thread;
  private volatile boolean stopped;
  private long lastPrimary = System.nanoTime();
  private long lastWrite = System.nanoTime();
  private volatile long longestPrimaryGapMs;
  private volatile long longestWriteGapMs;
  private volatile int failedPrimary;
  private volatile int failedWrites;

  AvailabilityProbe(ProcessCluster cluster, String node) {
    this.cluster = cluster;
    this.node = node;
    this.thread = new Thread(this::run, "probe-" + node);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!stopped) {
      long now = System.nanoTime();
      if (cluster.rest(node, "/primary") == 200) {
        longestPrimaryGapMs = Math.max(longestPrimaryGapMs, (System.nanoTime() - lastPrimary) / 1_000_000);
        lastPrimary = System.nanoTime();
      } else {
        failedPrimary++;
      }
      if (cluster.writable(node)) {
        longestWriteGapMs = Math.max(longestWriteGapMs, (System.nanoTime() - lastWrite) / 1_000_000);
        lastWrite = System.nanoTime();
      } else {
        failedWrites++;
      }
      long left = 100 - (System.nanoTime() - now) / 1_000_000;
      if (left > 0) {
        try {
          Thread.sleep(left);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  long longestPrimaryGapMs() {
    return longestPrimaryGapMs;
  }

  long longestWriteGapMs() {
    return longestWriteGapMs;
  }

  int failedPrimary() {
    return failedPrimary;
  }

  int failedWrites() {
    return failedWrites;
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.join(10_000);
  }

  @Override
  public String toString() {
    return node + ": longest gap in /primary 200 " + longestPrimaryGapMs + " ms (" + failedPrimary
        + " failed checks), in writes " + longestWriteGapMs + " ms (" + failedWrites + " failed writes)";
  }
}
