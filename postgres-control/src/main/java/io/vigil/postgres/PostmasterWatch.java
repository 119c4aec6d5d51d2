package io.vigil.postgres;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when the postmaster that runs now has exited, without costing anything while it runs.
 *
 * <p>A postmaster this agent started is a child of the JVM ({@code setsid --wait postgres}, or {@code runuser}
 * waiting for it): the JDK's process reaper already blocks in {@code waitpid} for it, so the watch hangs on
 * {@link Process#onExit()} and nothing wakes up until the postmaster is gone. A postmaster found running (the
 * agent was restarted, or someone else started it) is no child of ours: one daemon thread reads
 * {@code /proc/<pid>/stat} every {@link #POLL} (no process is spawned; {@link ProcessHandle#onExit()} would poll
 * such processes too, with back-off up to 5 s). Either way the process is gone once that file is missing, shows
 * a zombie, or carries another start time (pid reused).
 *
 * <p>At most one watch is armed. Arming again for the same postmaster keeps the watch (the HA loop arms on every
 * cycle) and only takes the new callback; arming for another postmaster replaces the watch, whose callback then
 * never runs. The callback runs at most once per watch.
 */
final class PostmasterWatch {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
  static final Duration POLL = Duration.ofMillis(100);

  /** The postmaster a start of ours launched, and the process that ends when it ends. */
  record Launch(Process launcher, long pid, long startTime) {}

  private final Postmaster postmaster;
  private long generation;
  private Thread poller;
  private long watchedPid = -1;
  private long watchedStartTime = -1;
  private Runnable onExit;
  private Launch launch;

  PostmasterWatch(Postmaster postmaster) {
    this.postmaster = postmaster;
  }

  /** Records the postmaster our own start launched: a later watch of it waits for the launcher to exit. */
  synchronized void launched(Launch launched) {
    this.launch = launched;
  }

  synchronized void watch(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    OptionalLong pid = postmaster.pid();
    long startTime = pid.isPresent() ? Postmaster.startTime(pid.getAsLong()) : -1;
    boolean running = pid.isPresent() && startTime >= 0;
    if (running && onExit != null && watchedPid == pid.getAsLong() && watchedStartTime == startTime) {
      onExit = callback; // the same postmaster: the watch in place goes on
      return;
    }
    cancel();
    long armed = generation;
    onExit = callback;
    if (!running) {
      LOG.info("no postmaster runs in {}: reporting its exit at once", postmaster.dataDir());
      startThread(() -> fire(armed, OptionalLong.empty()));
      return;
    }
    long p = pid.getAsLong();
    watchedPid = p;
    watchedStartTime = startTime;
    Launch ours = launch;
    if (ours != null && ours.pid() == p && ours.startTime() == startTime && ours.launcher().isAlive()) {
      LOG.debug("watching postmaster {} (our child)", p);
      ours.launcher().onExit().thenRun(() -> launcherExited(armed, p, startTime));
    } else {
      LOG.debug("watching postmaster {} (polling /proc)", p);
      poll(armed, p, startTime);
    }
  }

  synchronized void cancel() {
    generation++;
    onExit = null;
    watchedPid = -1;
    watchedStartTime = -1;
    if (poller != null) {
      poller.interrupt();
      poller = null;
    }
  }

  /** The launcher ended; the postmaster normally with it, unless only the launcher was killed. */
  private void launcherExited(long armed, long pid, long startTime) {
    if (!Postmaster.isAliveSince(pid, startTime)) {
      fire(armed, OptionalLong.of(pid));
      return;
    }
    synchronized (this) {
      if (generation == armed) {
        poll(armed, pid, startTime);
      }
    }
  }

  private void poll(long armed, long pid, long startTime) {
    poller = startThread(() -> {
      while (Postmaster.isAliveSince(pid, startTime)) {
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          return; // replaced or cancelled
        }
      }
      fire(armed, OptionalLong.of(pid));
    });
  }

  private static Thread startThread(Runnable body) {
    Thread t = new Thread(body, "vigil-postmaster-watch");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void fire(long armed, OptionalLong pid) {
    Runnable callback;
    synchronized (this) {
      if (generation != armed) {
        return;
      }
      callback = onExit;
      // from here on, arming again must not interrupt the callback; the next watch starts afresh
      poller = null;
      onExit = null;
      watchedPid = -1;
      watchedStartTime = -1;
      generation++;
    }
    pid.ifPresent(p -> LOG.info("postmaster {} has exited", p));
    try {
      callback.run();
    } catch (RuntimeException | Error e) {
      LOG.error("postmaster exit callback failed", e);
    }
  }
}
