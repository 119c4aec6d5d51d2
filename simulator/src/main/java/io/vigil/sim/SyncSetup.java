package io.vigil.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A schedule's synchronous replication: the mode {@code bootstrap.dcs} starts the cluster in, and the
 * {@code synchronous_node_count} it asks for. Operators switch the mode at run time ({@link Fault.SyncModeChange}).
 */
record SyncSetup(Mode mode, int nodeCount) {

  /** {@code synchronous_mode} / {@code synchronous_mode_strict} as an operator sets them. */
  enum Mode {
    OFF, ON, STRICT;

    /** The keys a PATCH of {@code /config} (or {@code bootstrap.dcs}) sets for this mode. */
    Map<String, Object> keys() {
      Map<String, Object> keys = new LinkedHashMap<>();
      keys.put("synchronous_mode", this != OFF);
      keys.put("synchronous_mode_strict", this == STRICT);
      return keys;
    }

    @Override
    public String toString() {
      return switch (this) {
        case OFF -> "off";
        case ON -> "on";
        case STRICT -> "strict";
      };
    }
  }

  /** Asynchronous replication, no synchronous keys in {@code bootstrap.dcs}: the schedules of the earlier simulator. */
  static final SyncSetup ASYNC = new SyncSetup(Mode.OFF, 1);

  /** The keys {@code bootstrap.dcs} gets; none for {@link #ASYNC}, so those runs are the simulator's earlier ones. */
  Map<String, Object> bootstrapKeys() {
    if (mode == Mode.OFF) {
      return Map.of();
    }
    Map<String, Object> keys = mode.keys();
    keys.put("synchronous_node_count", nodeCount);
    return keys;
  }

  @Override
  public String toString() {
    return mode == Mode.OFF ? "asynchronous" : "synchronous_mode " + mode + ", synchronous_node_count " + nodeCount;
  }
}
