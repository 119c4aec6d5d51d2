package io.vigil.postgres;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a replica streams from.
 *
 * @param host     host of the upstream's connect address; {@code ""} for {@link #none()}
 * @param port     port of the upstream's connect address; 0 for {@link #none()}
 * @param slotName physical slot to use on the upstream ({@code primary_slot_name}); empty for none
 * @param settings further recovery settings that go with this upstream (a standby cluster's {@code restore_command},
 *                 {@code archive_cleanup_command}, {@code recovery_min_apply_delay}); they win over the server
 *                 parameters of the same name
 */
public record RecoveryTarget(String host, int port, Optional<String> slotName, Map<String, String> settings) {

  public RecoveryTarget(String host, int port, Optional<String> slotName) {
    this(host, port, slotName, Map.of());
  }

  public RecoveryTarget {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(slotName, "slotName");
    settings = Map.copyOf(settings);
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

  /** No upstream to stream from, only recovery settings (e.g. restore_command of an archive-only standby cluster). */
  public static RecoveryTarget archiveOnly(Map<String, String> settings) {
    return new RecoveryTarget("", 0, Optional.empty(), settings);
  }

  public boolean hasUpstream() {
    return !host.isEmpty();
  }
}
