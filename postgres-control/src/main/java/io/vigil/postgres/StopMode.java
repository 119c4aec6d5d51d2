package io.vigil.postgres;

/** PostgreSQL shutdown modes, each a signal to the postmaster (as {@code pg_ctl stop -m} sends). */
public enum StopMode {
  /** Wait for clients to disconnect, then checkpoint. */
  SMART("TERM"),
  /** Terminate sessions, then checkpoint. */
  FAST("INT"),
  /** Quit without checkpoint; crash recovery runs at the next start. */
  IMMEDIATE("QUIT");

  private final String signal;

  StopMode(String signal) {
    this.signal = signal;
  }

  /** Signal name as {@code kill -s} takes it. */
  String signal() {
    return signal;
  }
}
