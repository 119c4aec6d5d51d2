package io.vigil.postgres;

import java.util.Objects;
import java.util.Optional;

/**
 * The member to stream from when running as a replica.
 *
 * @param host     host of the upstream's connect address
 * @param port     port of the upstream's connect address
 * @param slotName physical slot to use on the upstream ({@code primary_slot_name}); empty for none
 */
public record RecoveryTarget(String host, int port, Optional<String> slotName) {

  public RecoveryTarget {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(slotName, "slotName");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }
}
