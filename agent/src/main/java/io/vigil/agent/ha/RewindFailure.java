package io.vigil.agent.ha;

import java.util.List;
import java.util.Locale;

/**
 * Classifies a failed pg_rewind. When the leader could not be reached, or was not (yet) a writable
 * primary, the failure says nothing about this data directory: it is retried later without counting
 * towards the give-up limit and without wiping anything. Shared by the daemon's executor and the
 * simulator's so both treat failures alike.
 */
public final class RewindFailure {

  private static final List<String> SOURCE_UNAVAILABLE = List.of("connection refused", "could not connect",
      "timeout expired", "no route to host", "could not translate host name", "read-only", "hot standby",
      "not a primary", "could not fetch the source");

  private RewindFailure() {}

  public static boolean sourceUnavailable(String message) {
    String m = String.valueOf(message).toLowerCase(Locale.ROOT);
    return SOURCE_UNAVAILABLE.stream().anyMatch(m::contains);
  }
}
