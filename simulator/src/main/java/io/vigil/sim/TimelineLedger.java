package io.vigil.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which promotion opened each timeline id, and where it forked from. PostgreSQL tells timelines apart by
 * their id alone: a second promotion to an id that is already taken makes a second, different history
 * under the same name. Every promotion writes its own end-of-recovery record at the first byte of the new
 * timeline, so the two differ from their first byte even when their history files are identical (same
 * parent timeline, same switch point), and neither streaming nor pg_rewind can tell them apart.
 */
final class TimelineLedger {

  /** One promotion: {@code node} opened {@code timeline}, leaving {@code parent} at {@code switchLsn}. */
  record Opening(String node, int timeline, int parent, long switchLsn, long atMs) {
    boolean sameSwitch(Opening other) {
      return parent == other.parent && switchLsn == other.switchLsn;
    }

    @Override
    public String toString() {
      return node + " at " + Trace.seconds(atMs) + " (forked from timeline " + parent + " at " + switchLsn + ")";
    }
  }

  private final Map<Integer, Opening> openings = new HashMap<>();

  /** Records a promotion; returns the earlier promotion that had already opened the same timeline id. */
  Optional<Opening> open(Opening opening) {
    return Optional.ofNullable(openings.putIfAbsent(opening.timeline(), opening));
  }
}
