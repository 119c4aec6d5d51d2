package io.vigil.sim;

import java.util.SplittableRandom;

/**
 * Links between the nodes and ZooKeeper, and between the nodes themselves (REST calls and streaming
 * replication). A partition cuts a node off from ZooKeeper, from its peers, or both; partitions may
 * overlap, so each link counts the cuts on it. Clients always reach every node: the application side
 * of the network is not partitioned, which is the harder case for split brain.
 */
final class SimNetwork {

  /** PeerClient's timeout: a peer that has not answered by then counts as unreachable. */
  static final long REST_TIMEOUT_MS = 2_000;

  private final int[] zkCuts;
  private final int[] peerCuts;
  private final SplittableRandom rng;

  SimNetwork(int nodes, SplittableRandom rng) {
    this.zkCuts = new int[nodes];
    this.peerCuts = new int[nodes];
    this.rng = rng;
  }

  boolean reachesZooKeeper(int node) {
    return zkCuts[node] == 0;
  }

  boolean linked(int a, int b) {
    return peerCuts[a] == 0 && peerCuts[b] == 0;
  }

  void cutZooKeeper(int node, int delta) {
    zkCuts[node] += delta;
  }

  void cutPeers(int node, int delta) {
    peerCuts[node] += delta;
  }

  /** One ZooKeeper request and its reply. */
  long zooKeeperLatency() {
    return 1 + rng.nextInt(4);
  }

  /**
   * How long a REST call between linked nodes takes: usually a few milliseconds; 2% of calls are lost
   * and 2% are slow (up to 3 s). At or beyond {@link #REST_TIMEOUT_MS} the caller gives up.
   */
  long restLatency() {
    int roll = rng.nextInt(100);
    if (roll < 2) {
      return REST_TIMEOUT_MS;
    }
    if (roll < 4) {
      return 1_000 + rng.nextInt(2_001);
    }
    return 1 + rng.nextInt(30);
  }
}
