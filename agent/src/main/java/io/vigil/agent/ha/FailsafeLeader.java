package io.vigil.agent.ha;

/**
 * The last {@code POST /failsafe} this node accepted (wire spec 3.14): a primary without ZooKeeper asked whether it
 * may keep running. For ttl after it arrived, while the cluster has no leader lock (ZooKeeper is down, or the
 * primary's session expired), this node counts the sender as the leader and does not race.
 *
 * @param name             the sender's member name
 * @param apiUrl           its REST API URL, as it sent it
 * @param connUrl          its PostgreSQL URL, as it sent it (may be empty)
 * @param receivedAtMillis when it arrived, on the wall clock the observations use
 */
public record FailsafeLeader(String name, String apiUrl, String connUrl, long receivedAtMillis) {

  /** Whether it arrived less than ttl before {@code nowMillis}. */
  public boolean fresh(long nowMillis, int ttlSeconds) {
    return nowMillis - receivedAtMillis < ttlSeconds * 1000L && nowMillis >= receivedAtMillis - ttlSeconds * 1000L;
  }
}
