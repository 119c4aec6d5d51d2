package io.vigil.postgres;

import java.util.Objects;
import java.util.Optional;

/**
 * What a replica streams from.
 *
 * @param host     host of the upstream's connect address; {@code ""} for {@link #none()}
 * @param port     port of the upstream's connect address; 0 for {@link #none()}
 * @param slotName physical slot to use on the upstream ({@code primary_slot_name}); empty for none
 */
public record RecoveryTarget(String host, int port, Optional<String> slotName) {

  public RecoveryTarget {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(slotName, "slotName");
    if (host.isEmpty()) {
      if (port != 0 || slotName.isPresent()) {
        throw new IllegalArgumentException("a recovery target without host has no port or slot");
      }
    } else if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /**
   * Standby without an upstream (no leader to follow yet): PostgreSQL stays in recovery, replaying
   * what it has (and restore_command, if configured), without primary_conninfo.
   */
  public static RecoveryTarget none() {
    return new RecoveryTarget("", 0, Optional.empty());
  }

  public boolean hasUpstream() {
    return !host.isEmpty();
  }
}
