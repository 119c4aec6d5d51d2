package io.vigil.agent.ha;

/**
 * What this node's last promotion cost, as measured by the node itself: how long the cluster had no writable
 * leader from the moment this node saw the leader lock gone (released in a switchover, or expired after a crash)
 * until PostgreSQL accepted writes here, and how many bytes of the old leader's last known WAL this node did not
 * have (its recovery point objective). In synchronous mode only a node in {@code /sync} promotes, and every
 * acknowledged commit is on it: nothing acknowledged is at risk.
 *
 * @param timeline      the timeline the promotion opened
 * @param millisToWritable from the lock gone to writable; -1 when this node never saw the lock go (e.g. its agent
 *                      started without a leader)
 * @param bytesAtRisk   the old leader's last published position minus this node's position when it promoted
 * @param synchronous   the cluster ran in synchronous mode and this node was a synchronous standby
 */
public record PromotionCost(int timeline, long millisToWritable, long bytesAtRisk, boolean synchronous) {

  /** The words appended to the {@code /history} reason and logged with the promotion. */
  public String describe() {
    String time = millisToWritable < 0 ? "writable" : String.format(java.util.Locale.ROOT,
        "writable %.3f s after the leader lock was gone", millisToWritable / 1000.0);
    String risk = synchronous ? "0 acknowledged bytes at risk (synchronous standby; " + bytesAtRisk
        + " bytes behind the old leader's last position)"
        : "at least " + bytesAtRisk + " bytes at risk (behind the old leader's last published position)";
    return time + ", " + risk;
  }
}
