package io.vigil.agent.ha;

import io.vigil.config.DynamicConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When the watchdog and the fence are armed, fed and disarmed (wire spec 8.1), and when their state keeps this node
 * from leading. The deadline is {@code ttl − safety_margin} after the start of the cycle's ZooKeeper read that found
 * the lock ours: the session cannot expire, and no other node can take the lock, before that read reached the server
 * plus the session timeout, so a primary whose agent freezes stops taking writes before anyone else may promote.
 */
public final class Fencing {

  private Fencing() {}

  /** Seconds from a confirmation of the lock to the deadline. */
  static int timeoutSeconds(Observation o) {
    return timeoutSeconds(o.settings().dynamic().ttl(), o.guards().safetyMargin());
  }

  private static int timeoutSeconds(int ttl, int safetyMargin) {
    return safetyMargin == -1 ? ttl / 2 : ttl - safetyMargin;
  }

  /**
   * Why failsafe mode cannot keep a primary without ZooKeeper running under these timings; empty when it can. The
   * guards stop PostgreSQL ttl - safety_margin after the read that last confirmed the lock; the next read starts up to
   * loop_wait later and gives up after retry_timeout; only then are the members asked, and each has 2 s to answer. A
   * deadline that comes first stops the primary the round was meant to keep (Patroni's watchdog does the same).
   */
  public static Optional<String> failsafeTimingProblem(DynamicConfig dynamic, Guards guards) {
    boolean guarded = guards.fenceOn() || !Guards.OFF.equals(guards.watchdogMode());
    if (!dynamic.failsafeMode() || !guarded) {
      return Optional.empty();
    }
    int timeout = timeoutSeconds(dynamic.ttl(), guards.safetyMargin());
    int noticed = dynamic.loopWait() + dynamic.retryTimeout();
    int answers = FailsafeRound.ANSWER_TIMEOUT_MS / 1000;
    if (timeout >= noticed + answers) {
      return Optional.empty();
    }
    int ttlNeeded = dynamic.ttl() + noticed + answers - timeout;
    return Optional.of(String.format("failsafe_mode cannot keep this primary running without ZooKeeper: the %s stops "
        + "PostgreSQL %d s (ttl - safety_margin) after the last read that confirmed the lock, but a lost ZooKeeper is "
        + "known only up to loop_wait + retry_timeout = %d s after it and the members then have %d s to answer; raise "
        + "ttl to at least %d, or lower loop_wait or retry_timeout", guards.fenceOn() ? "fence" : "watchdog", timeout,
        noticed, answers, ttlNeeded));
  }

  /** Time left between the deadline and the next cycle's confirmation, at worst; negative = unusable. */
  static int slackSeconds(Observation o) {
    return timeoutSeconds(o) - o.settings().dynamic().loopWait();
  }

  /**
   * Why this node must neither race for the lock nor promote; empty when it may. Peers read it as
   * {@code "watchdog_failed": true}. The watchdog blocks only in {@code required} mode, as in Patroni; the fence,
   * once on, must be running: a node that cannot be fenced must not become the primary a freeze would leave running.
   */
  public static Optional<String> whyCannotLead(Observation o) {
    Guards g = o.guards();
    if (Guards.REQUIRED.equals(g.watchdogMode())) {
      if (slackSeconds(o) < 0) {
        return Optional.of("the watchdog is required but its timeout (" + timeoutSeconds(o)
            + " s, ttl - safety_margin) is shorter than loop_wait (" + o.settings().dynamic().loopWait() + " s)");
      }
      if (g.watchdogProblem().isPresent()) {
        return Optional.of("the watchdog is required but not usable: " + g.watchdogProblem().get());
      }
    }
    if (g.fenceOn() && slackSeconds(o) >= 0 && g.fenceProblem().isPresent()) {
      return Optional.of("the fence is on but not running: " + g.fenceProblem().get());
    }
    return Optional.empty();
  }

  /**
   * Why the primary holding the lock must step down: Patroni demotes it when the watchdog is required and cannot be
   * used. A fence that died does not demote a working primary; the shell restarts it and the next cycle arms it.
   */
  static Optional<String> whyMustDemote(Observation o) {
    if (o.settings().dynamic().pause() || !Guards.REQUIRED.equals(o.guards().watchdogMode())) {
      return Optional.empty();
    }
    return whyCannotLead(o).filter(why -> why.startsWith("the watchdog"));
  }

  /** Whether to use the watchdog device: automatic mode goes on without one it cannot use. */
  static boolean watchdogWanted(Observation o) {
    Guards g = o.guards();
    return !Guards.OFF.equals(g.watchdogMode()) && slackSeconds(o) >= 0 && g.watchdogProblem().isEmpty();
  }

  static boolean fenceWanted(Observation o) {
    return o.guards().fenceOn() && slackSeconds(o) >= 0;
  }

  /**
   * The cycle's actions with the guards' actions added: armed right before a promotion (or a start as primary by the
   * lock holder); armed or fed first thing
   * (right after the read that confirmed the lock) while this node is the writable primary holding the lock and the
   * cluster is not paused (also before an operator's restart in place, which keeps the lock); otherwise disarmed before
   * anything else happens (a demotion, a stop, giving the lock up, pause).
   */
  static List<Action> withGuards(Observation o, List<Action> actions) {
    boolean watchdog = watchdogWanted(o);
    boolean fence = fenceWanted(o);
    List<Action> out = new ArrayList<>(actions);
    int promote = indexOf(actions, Action.Promote.class);
    if (promote < 0 && o.holdsLock()) {
      // A start as primary (the lock holder's PostgreSQL was down: a crash, a failed start) makes a writable primary
      // as much as a promotion does: armed before it, or a freeze during the start leaves that primary unfenced.
      promote = indexOfStartAsPrimary(actions);
    }
    if (promote >= 0) {
      if (watchdog || fence) {
        out.add(promote, new Action.ArmGuards(timeoutSeconds(o), watchdog, fence));
      }
      return out;
    }
    // A restart in place (an operator's) keeps the lock and comes back as the primary: the guards stay armed through it.
    boolean stops = actions.stream().anyMatch(a -> a instanceof Action.StopPostgres || a instanceof Action.GracefulDemote
        || a instanceof Action.ReleaseLock);
    // A primary kept running by failsafe (wire spec 8.1: the watchdog is kept alive then too): the round that
    // confirmed it stands in for the read that would have confirmed the lock.
    boolean keep = (o.holdsLock() || o.keepsPrimaryOnFailsafe()) && o.pg().running() && o.pg().isPrimary() && !o.settings().dynamic().pause() && !stops
        && (watchdog || fence);
    if (keep) {
      out.add(0, o.guards().armed() ? new Action.FeedGuards(timeoutSeconds(o), watchdog, fence)
          : new Action.ArmGuards(timeoutSeconds(o), watchdog, fence));
    } else if (o.guards().armed() && !(o.repairsOwnLock() && !stops)) {
      // A cycle that repairs my own lock (after a new ZooKeeper session) neither feeds nor disarms: disarming would
      // leave this primary unfenced just when its agent's session changed, should the agent freeze right then.
      out.add(0, new Action.DisarmGuards());
    }
    return out;
  }

  private static int indexOfStartAsPrimary(List<Action> actions) {
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i) instanceof Action.StartPostgres s && !s.asReplica()) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(List<Action> actions, Class<? extends Action> kind) {
    for (int i = 0; i < actions.size(); i++) {
      if (kind.isInstance(actions.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
