package io.vigil.sim;

import java.util.Optional;

/**
 * One machine's {@code vigil-fence} process and watchdog device, as {@code agent/src/main/c/vigil-fence.c} and the
 * kernel behave. The process is separate from the agent: it is started by an agent, and it keeps its deadline when
 * that agent freezes or is killed. One left by an earlier agent on the same data directory keeps its deadline until
 * the new agent has armed its own (then the new agent ends it), as Guardian does.
 * When an armed deadline passes (on the virtual clock, which is every machine's monotonic clock) and PostgreSQL runs
 * as a primary, it stops PostgreSQL immediately (SIGQUIT: no more commits, waiting ones unanswered) and disarms;
 * a standby is left alone. A clean agent exit disarms and ends it.
 *
 * <p>The watchdog device, when an agent opened it, resets the whole machine its timeout after the last keepalive
 * unless it was closed with the magic character (a disarm); a fence process that dies closes it without, so the
 * timer keeps running, as Linux does.
 */
final class SimFence {

  private final SimNode node;
  private final SimCluster cluster;
  private boolean alive;
  /** The agent that started the running process. */
  private SimAgent owner;
  /** Absolute virtual time at which PostgreSQL is stopped; -1 when disarmed. */
  private long deadline = -1;
  private long fenceToken;
  /** A fault keeps the process from being started before this time (fork fails, binary unusable). */
  private long unavailableUntil;
  private boolean devicePresent = true;
  private boolean watchdogOpen;
  private long watchdogToken;
  private int stops;
  /** The deadline of a process left by an earlier agent, still running beside the new one; -1 when none. */
  private long staleDeadline = -1;
  private long staleToken;

  SimFence(SimNode node, SimCluster cluster) {
    this.node = node;
    this.cluster = cluster;
  }

  /** The process {@code agent} started is running. */
  boolean runningFor(SimAgent agent) {
    return alive && owner == agent;
  }

  boolean devicePresent() {
    return devicePresent;
  }

  /** Armed now: something will stop this machine's PostgreSQL at a deadline. */
  boolean armed() {
    return deadline >= 0;
  }

  /** Times this fence stopped PostgreSQL. */
  int stops() {
    return stops;
  }

  /** Guardian.startHelper: ends a process left by an earlier agent, then starts one; empty when it runs. */
  Optional<String> start(SimAgent agent) {
    if (cluster.now() < unavailableUntil) {
      return Optional.of("the fence process could not start: Resource temporarily unavailable");
    }
    if (alive && owner != agent) {
      if (armed()) {
        long at = deadline;
        long token = ++staleToken;
        staleDeadline = at;
        cluster.trace(node.name, "fence: the process left by an earlier agent keeps its deadline at "
            + Trace.seconds(at) + " until this agent arms its own");
        cluster.clock().at(Math.max(at, cluster.now()), () -> {
          if (token == staleToken) {
            staleDeadline = -1;
            fire(at);
          }
        });
      }
      endProcess();
    }
    alive = true;
    owner = agent;
    cluster.trace(node.name, "fence: process started");
    return Optional.empty();
  }

  /** {@code arm <deadline>}: a deadline already past fires at once. */
  void arm(long at) {
    endStale();
    deadline = at;
    long token = ++fenceToken;
    cluster.clock().at(Math.max(at, cluster.now()), () -> {
      if (token == fenceToken && alive) {
        deadline = -1;
        fire(at);
      }
    });
  }

  /** Opens the watchdog device (or keeps it alive): the machine resets {@code timeoutSeconds} from now. */
  void keepWatchdogAlive(int timeoutSeconds) {
    watchdogOpen = true;
    long token = ++watchdogToken;
    cluster.clock().after(timeoutSeconds * 1000L, () -> {
      if (token == watchdogToken && watchdogOpen) {
        watchdogOpen = false;
        cluster.trace(node.name, "watchdog: no keepalive for " + timeoutSeconds + " s: the machine resets");
        cluster.machineReset(node);
      }
    });
  }

  /** {@code disarm}: nothing happens at the deadline any more; the watchdog gets the magic close. */
  void disarm() {
    if (deadline >= 0) {
      cluster.trace(node.name, "fence: disarmed");
    }
    deadline = -1;
    fenceToken++;
    closeWatchdog();
  }

  private void closeWatchdog() {
    watchdogOpen = false;
    watchdogToken++;
  }

  /** The agent exits cleanly: disarm and end the process. */
  void agentExited(SimAgent agent) {
    if (runningFor(agent)) {
      disarm();
      endProcess();
    }
  }

  /** A fault: the process dies (OOM killer, a careless kill) and cannot be started again for {@code downMs}. */
  void kill(long downMs) {
    if (alive) {
      cluster.trace(node.name, "fence: process killed" + (armed() ? " while armed" : ""));
    }
    endProcess();
    unavailableUntil = cluster.now() + downMs;
  }

  /** A fault: the watchdog device goes away (driver unloaded, VM without one). */
  void removeDevice() {
    devicePresent = false;
    closeWatchdog();
  }

  /** The machine reset: no process, no open watchdog. */
  void machineReset() {
    endStale();
    endProcess();
    closeWatchdog();
  }

  /** The process ends: its deadline goes with it. An open watchdog stays open (no magic close). */
  private void endProcess() {
    alive = false;
    owner = null;
    deadline = -1;
    fenceToken++;
  }

  /** This agent armed its own fence (or the machine reset): the earlier agent's process goes. */
  private void endStale() {
    if (staleDeadline >= 0) {
      cluster.trace(node.name, "fence: ending the process left by an earlier agent");
    }
    staleDeadline = -1;
    staleToken++;
  }

  private void fire(long at) {
    long late = cluster.now() - at;
    SimPostgres pg = node.pg;
    if (pg.process() == SimPostgres.Process.STOPPED) {
      cluster.trace(node.name, "fence: deadline passed; PostgreSQL is not running");
      return;
    }
    if (pg.standby()) {
      cluster.trace(node.name, "fence: deadline passed, but PostgreSQL is a standby: nothing to stop");
      return;
    }
    stops++;
    cluster.trace(node.name, "fence: the agent has not confirmed the leader lock in time (deadline passed " + late
        + " ms ago): stopping PostgreSQL immediately");
    pg.fenceStop();
    cluster.fenced(node);
  }
}
