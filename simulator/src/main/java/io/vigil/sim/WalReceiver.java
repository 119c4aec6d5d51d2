package io.vigil.sim;

/**
 * A standby's walreceiver as the startup process drives it: it streams from one run of its upstream's
 * postmaster, or waits for its next connection attempt. PostgreSQL starts it when the standby is up and
 * restarts it at once when primary_conninfo changes; once a stream breaks (the upstream stopped, crashed,
 * restarted, or was promoted, which ends its cascading walsenders) or an attempt fails, the next attempt waits
 * until wal_retrieve_retry_interval after the previous failure. Meanwhile the standby receives nothing, not
 * even the shutdown checkpoint of a primary that stops cleanly. A partition only stalls a stream: TCP keeps
 * the connection (wal_receiver_timeout is not modelled).
 */
final class WalReceiver {

  /** wal_retrieve_retry_interval, PostgreSQL's default. */
  static final long RETRY_INTERVAL_MS = 5_000;

  /** The upstream's sender epoch ({@link SimPostgres#senderEpoch}) this receiver streams from; 0 = not streaming. */
  private long stream;
  private long nextAttemptAt = Long.MAX_VALUE;
  private long lastFailureAt = Long.MIN_VALUE / 2;

  /** The server came up as a standby: the first attempt does not wait. */
  void start(long now) {
    stream = 0;
    nextAttemptAt = now;
    lastFailureAt = Long.MIN_VALUE / 2;
  }

  /**
   * primary_conninfo changed and the server reloaded: the startup process restarts the walreceiver at once. A
   * startup process waiting to retry is woken, and that wake-up counts as its last failure.
   */
  void reload(long now) {
    if (stream == 0) {
      lastFailureAt = now;
    }
    stream = 0;
    nextAttemptAt = now;
  }

  /**
   * A reload with primary_conninfo unchanged: a streaming walreceiver goes on; a startup process waiting to retry is
   * woken (the SIGHUP sets its latch) and tries now, which counts as its last failure.
   */
  void sighup(long now) {
    if (stream == 0 && nextAttemptAt != Long.MAX_VALUE && nextAttemptAt > now) {
      lastFailureAt = now;
      nextAttemptAt = now;
    }
  }

  /** The server stopped, or its promotion shut the walreceiver down. */
  void stop() {
    stream = 0;
    nextAttemptAt = Long.MAX_VALUE;
  }

  boolean streamsFrom(long senderEpoch) {
    return stream != 0 && stream == senderEpoch;
  }

  boolean streaming() {
    return stream != 0;
  }

  boolean due(long now) {
    return now >= nextAttemptAt;
  }

  void connected(long senderEpoch) {
    stream = senderEpoch;
  }

  /** The stream broke or an attempt failed: retry wal_retrieve_retry_interval after the previous failure. */
  void failed(long now) {
    stream = 0;
    nextAttemptAt = Math.max(now, lastFailureAt + RETRY_INTERVAL_MS);
    lastFailureAt = nextAttemptAt;
  }
}
