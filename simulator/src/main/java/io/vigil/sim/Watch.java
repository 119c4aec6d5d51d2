package io.vigil.sim;

/**
 * The watches one cluster read leaves behind (the agent's ClusterReader): children of the base and of
 * {@code members}, data of {@code config}, {@code leader}, {@code history} and {@code failover} when
 * they exist, and data of {@code status} only while someone else holds the lock. Member data is not
 * watched. Each watch fires once and is armed again by the next read.
 */
enum Watch {
  BASE_CHILDREN, MEMBERS_CHILDREN, CONFIG, LEADER, HISTORY, FAILOVER, STATUS;

  int bit() {
    return 1 << ordinal();
  }
}
