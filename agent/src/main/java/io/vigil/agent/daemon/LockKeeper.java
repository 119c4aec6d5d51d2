package io.vigil.agent.daemon;

import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an armed fence fed while the HA loop is busy with one long action (a start with crash recovery, a promotion's
 * checkpoint, an operator's restart): every loop_wait it confirms the lock with a ZooKeeper read and moves the deadline,
 * as the loop itself would between cycles. If the agent freezes, this thread freezes with it and the fence fires. It
 * sleeps without a timeout while no action runs, so an idle agent pays no wake-ups for it.
 */
final class LockKeeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LockKeeper.class);

  private final Dcs dcs;
  private final Guardian guardian;
  private final String me;
  /** The loop_wait of the cycle under way; given with each begin, so this thread never waits for the HA loop's lock. */
  private int loopWaitSeconds = 1;
  private final Clock clock;
  private final Thread thread;
  /** Long actions under way (a restart from the REST API can run inside none or, nested, inside a cycle). */
  private int busy;
  private boolean closed;

  LockKeeper(Dcs dcs, Guardian guardian, String me, Clock clock) {
    this.dcs = dcs;
    this.guardian = guardian;
    this.me = me;
    this.clock = clock;
    this.thread = new Thread(this::run, "lock-keeper-" + me);
    thread.setDaemon(true);
    thread.start();
  }

  /** The agent starts carrying out actions (a decision's, or an operator's restart). */
  synchronized void begin(int loopWait) {
    loopWaitSeconds = Math.max(1, loopWait);
    busy++;
    notifyAll();
  }

  synchronized void end() {
    busy--;
    notifyAll();
  }

  private void run() {
    while (true) {
      synchronized (this) {
        try {
          while (busy == 0 && !closed) {
            wait();
          }
          if (closed) {
            return;
          }
          long until = clock.monotonicMillis() + loopWaitSeconds * 1000L;
          for (long left = until - clock.monotonicMillis(); busy > 0 && !closed && left > 0;
              left = until - clock.monotonicMillis()) {
            wait(left);
          }
          if (closed) {
            return;
          }
          if (busy == 0) {
            continue;
          }
        } catch (InterruptedException e) {
          return;
        }
      }
      confirm();
    }
  }

  private void confirm() {
    long readAt = clock.monotonicMillis();
    try {
      if (dcs.read().isLockedBy(me, dcs.sessionId())) {
        guardian.refresh(readAt);
      }
    } catch (DcsException e) {
      LOG.debug("lock keeper: could not confirm the leader lock: {}", e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    notifyAll();
  }
}
