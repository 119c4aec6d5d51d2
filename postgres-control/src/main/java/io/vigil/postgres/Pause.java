package io.vigil.postgres;

import java.time.Duration;

/** Sleeping between polls of a condition, turning an interrupt into a failure the caller must handle. */
final class Pause {

  /** Poll interval for local conditions (pid file, process state, pg_is_in_recovery); cheap to check. */
  static final Duration POLL = Duration.ofMillis(50);

  private Pause() {}

  static void poll(String what) throws PostgresException {
    sleep(POLL, what);
  }

  static void sleep(Duration duration, String what) throws PostgresException {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PostgresException("interrupted while " + what, e);
    }
  }
}
