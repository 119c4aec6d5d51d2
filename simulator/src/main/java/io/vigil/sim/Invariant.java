package io.vigil.sim;

/** The properties every schedule is checked against; the number is the one the README uses. */
public enum Invariant {
  LOCK_EXCLUSIVE("1", "never two nodes that each answer /primary (valid lock flag) and accept writes"),
  PROMOTE_HOLDS_LOCK("2", "a node promotes only while it holds the leader lock"),
  PROMOTE_WITHIN_LAG("3", "a promoted node misses at most maximum_lag_on_failover of the last known leader WAL"),
  PRIORITY_RESPECTED("3b", "a node tagged failover_priority 0 never promotes, and a replica that races for the lock "
      + "saw no reachable, eligible peer with the same WAL position and a higher failover_priority"),
  NO_SPLIT_BRAIN_ACK("4", "the router never gets a write acknowledged by a primary older than the newest one"),
  STALE_PRIMARY_FENCED("4b", "a running agent stops its old primary taking writes within the fencing grace"),
  SINGLE_WRITER("4c", "no instant where two nodes accept writes (direct or through the router); checked with the "
      + "fence on, measured without it"),
  CONVERGES("5", "after the faults end: one primary with the lock, every other node streaming from it"),
  WAL_HISTORY_CONSISTENT("6", "a standby never receives WAL that conflicts with its own"),
  TIMELINE_UNIQUE("7", "a timeline id is opened by one promotion only: two promotions never create the same timeline "
      + "from different histories"),
  SWITCHOVER_KEEPS_FINAL_WAL("7b", "a switchover candidate promotes with all the WAL its old leader wrote up to its "
      + "clean stop"),
  ACKED_COMMITS_SURVIVE("8", "a commit acknowledged synchronously (synchronous mode, synchronous_standby_names not "
      + "empty) is in the WAL of every later primary"),
  SYNC_LISTS_REPLICAS("9", "/sync, when it names a leader, names the lock holder, and as synchronous standbys only "
      + "members that are replicas, never the leader itself"),
  STANDBY_NEVER_WRITABLE("10", "in a standby cluster no node ever accepts writes (the lock holder is a standby leader)");

  private final String number;
  private final String statement;

  Invariant(String number, String statement) {
    this.number = number;
    this.statement = statement;
  }

  public String number() {
    return number;
  }

  public String statement() {
    return statement;
  }
}
