package io.vigil.agent.daemon;

import io.vigil.postgres.LocalPostgres;
import io.vigil.postgres.PostgresException;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Synchronous mode on a primary: commits wait while a synchronous standby is gone, until the leader names another.
 * Waiting for the next HA cycle would hang clients up to {@code loop_wait} seconds, so this watch looks at the
 * streaming walsenders a few times a second and wakes the HA loop as soon as the set changes. It is armed only
 * while this node is a primary in synchronous mode (the HA loop says so after each cycle); disarmed, its thread
 * sleeps without a timeout.
 */
final class WalsenderWatch implements AutoCloseable {

  static final long POLL_MILLIS = 200;

  private final LocalPostgres pg;
  private final Runnable wake;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "walsender-watch");
    t.setDaemon(true);
    return t;
  });
  private ScheduledFuture<?> polling;
  private Set<String> last;

  WalsenderWatch(LocalPostgres pg, Runnable wake) {
    this.pg = pg;
    this.wake = wake;
  }

  synchronized void arm(boolean on) {
    if (on && polling == null) {
      polling = timer.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    } else if (!on && polling != null) {
      polling.cancel(false);
      polling = null;
      timer.execute(() -> last = null); // on the timer's thread, after a poll that may be running
    }
  }

  private void poll() {
    try {
      Set<String> now = pg.streamingStandbys();
      if (last != null && !now.equals(last)) {
        wake.run();
      }
      last = now;
    } catch (PostgresException | RuntimeException e) {
      // PostgreSQL is going away or restarting: the postmaster watch and the HA loop deal with that.
      last = null;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
