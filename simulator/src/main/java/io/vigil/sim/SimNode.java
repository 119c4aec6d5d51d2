package io.vigil.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * One machine: its PostgreSQL, its wall clock, and the agent process currently running on it (none
 * while killed). A frozen (paused) agent keeps its place but runs nothing: its events wait and run,
 * in their original order, when it thaws. Events of an agent that was killed are dropped.
 */
final class SimNode {

  /** 2026-01-01T00:00:00Z: the wall clock every node starts near. */
  static final long EPOCH_MILLIS = 1_767_225_600_000L;

  final int index;
  final String name;
  final String host;
  final SimPostgres pg;
  /** The fence process and watchdog device of this machine (they outlive the agent). */
  SimFence fence;
  private final SimClock clock;
  private long clockOffset;
  private boolean steppedBack;
  private SimAgent agent;
  private boolean paused;
  private final List<Runnable> deferred = new ArrayList<>();
  /** Since when the current agent has been running without a freeze (for the fencing invariant). */
  private long runningSince;
  /** Until when (simulated time) this node's pre_promote script refuses every promotion. */
  private long refusePromotionsUntil;

  SimNode(int index, String name, String host, SimPostgres pg, SimClock clock, long clockOffset) {
    this.index = index;
    this.name = name;
    this.host = host;
    this.pg = pg;
    this.clock = clock;
    this.clockOffset = clockOffset;
  }

  /** This node's wall clock, which faults may step. */
  long nowMillis() {
    return EPOCH_MILLIS + clock.now() + clockOffset;
  }

  /** The node's monotonic clock (System.nanoTime in the daemon): clock jumps do not move it. */
  long monotonicMillis() {
    return clock.now();
  }

  void jumpClock(long deltaMs) {
    clockOffset += deltaMs;
    steppedBack |= deltaMs < 0;
  }

  /** The wall clock was ever stepped backwards (for explaining violations). */
  boolean steppedBack() {
    return steppedBack;
  }

  SimAgent agent() {
    return agent;
  }

  void refusePromotions(long untilMs) {
    refusePromotionsUntil = untilMs;
  }

  /** pre_promote would exit non-zero now (a fencing script that cannot reach its device, say). */
  boolean refusesPromotion() {
    return clock.now() < refusePromotionsUntil;
  }

  void attach(SimAgent next) {
    agent = next;
    paused = false;
    deferred.clear();
    runningSince = clock.now();
  }

  void detach() {
    agent = null;
    paused = false;
    deferred.clear();
  }

  boolean paused() {
    return paused;
  }

  /** An agent process exists and is not frozen: it runs its loop, answers REST calls, pings ZooKeeper. */
  boolean agentRunning() {
    return agent != null && !paused;
  }

  long runningSince() {
    return runningSince;
  }

  void freeze() {
    paused = true;
  }

  void thaw() {
    paused = false;
    runningSince = clock.now();
    List<Runnable> waiting = List.copyOf(deferred);
    deferred.clear();
    for (Runnable r : waiting) {
      clock.after(0, r);
    }
  }

  /** Runs {@code action} for {@code owner} after {@code delay}, unless that agent is gone by then. */
  void agentEvent(SimAgent owner, long delay, Runnable action) {
    clock.after(delay, () -> deliver(owner, action));
  }

  private void deliver(SimAgent owner, Runnable action) {
    if (agent != owner) {
      return;
    }
    if (paused) {
      deferred.add(() -> deliver(owner, action));
      return;
    }
    action.run();
  }
}
