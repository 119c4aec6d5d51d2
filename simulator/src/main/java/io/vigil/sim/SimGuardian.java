package io.vigil.sim;

import io.vigil.agent.ha.Guards;
import java.util.Optional;

/**
 * The daemon's {@code Guardian} for one agent process: starts the node's fence process when it is needed (and
 * restarts it with back-off, 1 s doubling to 30 s, when it died or could not start), reports {@link Guards} for the
 * next decision, and carries out ArmGuards / FeedGuards / DisarmGuards against the machine's {@link SimFence}. The
 * deadline counts from when the cycle's observation began (the start of the ZooKeeper read that confirmed the lock),
 * on the monotonic clock.
 */
final class SimGuardian {

  private static final long MAX_BACKOFF_MS = 30_000;
  /** Patroni's default safety_margin. */
  static final int SAFETY_MARGIN = 5;

  private final SimAgent agent;
  private final SimCluster cluster;
  private final boolean fenceOn;
  private final String watchdogMode;
  private boolean started;
  private Optional<String> helperProblem = Optional.empty();
  private long nextStartAt;
  private long backoffMs = 1_000;
  private boolean fenceArmed;
  private int lastTimeoutSeconds;
  private boolean lastWatchdog;
  private boolean lastFence;
  private boolean watchdogActive;
  private Optional<String> activationProblem = Optional.empty();

  SimGuardian(SimAgent agent, SimCluster cluster, boolean fenceOn, String watchdogMode) {
    this.agent = agent;
    this.cluster = cluster;
    this.fenceOn = fenceOn;
    this.watchdogMode = watchdogMode;
  }

  private SimFence fence() {
    return agent.node.fence;
  }

  private boolean needed() {
    return fenceOn || !Guards.OFF.equals(watchdogMode);
  }

  /** Guardian.observe: the state the next decision reads. */
  Guards observe() {
    SimFence fence = fence();
    if (needed() && !fence.runningFor(agent)) {
      if (started) {
        started = false;
        helperProblem = Optional.of("the fence process exited");
        agent.traceEvent(helperProblem.get() + ": restarting it; this node will not promote until it runs");
        fenceArmed = false;
        watchdogActive = false;
      }
      long now = agent.node.monotonicMillis();
      if (now >= nextStartAt) {
        Optional<String> failed = fence.start(agent);
        if (failed.isEmpty()) {
          started = true;
          helperProblem = Optional.empty();
          backoffMs = 1_000;
        } else {
          helperProblem = failed;
          agent.traceEvent(failed.get() + "; trying again in " + backoffMs + " ms");
          nextStartAt = now + backoffMs;
          backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
      }
    }
    return new Guards(watchdogMode, SAFETY_MARGIN, watchdogProblem(), fenceOn,
        fenceOn ? helperProblem : Optional.empty(), fenceArmed || watchdogActive);
  }

  private Optional<String> watchdogProblem() {
    if (Guards.OFF.equals(watchdogMode)) {
      return Optional.empty();
    }
    if (!fence().devicePresent()) {
      return Optional.of("the watchdog device /dev/watchdog does not exist");
    }
    if (!fence().runningFor(agent)) {
      return Optional.of("the fence process, which holds the watchdog device, is not running"
          + helperProblem.map(p -> ": " + p).orElse(""));
    }
    return activationProblem;
  }

  /**
   * Guardian.keep: arms or feeds the fence with a deadline {@code timeoutSeconds} after {@code observedAt}, and
   * activates or keeps alive the watchdog; the error when something asked for could not be done.
   */
  Optional<String> keep(long observedAt, int timeoutSeconds, boolean watchdog, boolean fence) {
    lastTimeoutSeconds = timeoutSeconds;
    lastWatchdog = watchdog;
    lastFence = fence;
    SimFence f = fence();
    if (!f.runningFor(agent)) {
      return Optional.of(helperProblem.orElse("the fence process is not running"));
    }
    if (fence) {
      boolean first = !fenceArmed;
      f.arm(observedAt + timeoutSeconds * 1000L);
      fenceArmed = true;
      if (first) {
        agent.traceEvent("fence armed: PostgreSQL is stopped " + timeoutSeconds + " s after the last confirmation "
            + "of the leader lock");
      }
    }
    if (watchdog) {
      if (!f.devicePresent()) {
        activationProblem = Optional.of("could not open /dev/watchdog: No such file or directory");
        return Optional.of("watchdog could not be activated: " + activationProblem.get());
      }
      f.keepWatchdogAlive(timeoutSeconds);
      watchdogActive = true;
      activationProblem = Optional.empty();
    }
    return Optional.empty();
  }

  /** Guardian.refresh: a read that started at {@code readAt} confirmed the lock during a long action. */
  void refresh(long readAt) {
    if (fenceArmed || watchdogActive) {
      keep(readAt, lastTimeoutSeconds, lastWatchdog, lastFence);
    }
  }

  /** Guardian.disarm. */
  void disarm() {
    if (fence().runningFor(agent)) {
      fence().disarm();
    }
    fenceArmed = false;
    watchdogActive = false;
  }

  /** The agent exits cleanly (Guardian.close). */
  void close() {
    fence().agentExited(agent);
    fenceArmed = false;
    watchdogActive = false;
  }
}
