package io.vigil.postgres;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when the postmaster that runs now has exited. One daemon thread per armed watch reads
 * {@code /proc/<pid>/stat} every {@link #POLL} (no process is spawned): the watched process is gone
 * once that file is missing, shows a zombie, or carries another start time (pid reused). A
 * postmaster that is not our child cannot be waited for, and {@link ProcessHandle#onExit()}
 * polls such processes with back-off up to 5 s, too slow for this.
 *
 * <p>At most one watch is armed: arming again replaces the previous watch, whose callback then
 * never runs. The callback runs at most once per arming, on the watch thread.
 */
final class PostmasterWatch {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
  static final Duration POLL = Duration.ofMillis(100);

  private final Postmaster postmaster;
  private long generation;
  private Thread thread;

  PostmasterWatch(Postmaster postmaster) {
    this.postmaster = postmaster;
  }

  synchronized void watch(Runnable onExit) {
    Objects.requireNonNull(onExit, "onExit");
    cancel();
    long armed = generation;
    OptionalLong pid = postmaster.pid();
    long startTime = pid.isPresent() ? Postmaster.startTime(pid.getAsLong()) : -1;
    if (pid.isPresent() && startTime >= 0) {
      LOG.debug("watching postmaster {}", pid.getAsLong());
    } else {
      LOG.info("no postmaster runs in {}: reporting its exit at once", postmaster.dataDir());
    }
    Thread t = new Thread(() -> run(armed, pid, startTime, onExit), "vigil-postmaster-watch");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  synchronized void cancel() {
    generation++;
    if (thread != null) {
      thread.interrupt();
      thread = null;
    }
  }

  private void run(long armed, OptionalLong pid, long startTime, Runnable onExit) {
    if (pid.isPresent() && startTime >= 0) {
      while (Postmaster.isAliveSince(pid.getAsLong(), startTime)) {
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          return; // replaced or cancelled
        }
      }
    }
    synchronized (this) {
      if (generation != armed) {
        return;
      }
      thread = null; // from here on, arming again must not interrupt the callback
    }
    pid.ifPresent(p -> LOG.info("postmaster {} has exited", p));
    try {
      onExit.run();
    } catch (RuntimeException | Error e) {
      LOG.error("postmaster exit callback failed", e);
    }
  }
}
