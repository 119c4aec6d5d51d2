package io.vigil.agent.daemon;

import io.vigil.agent.ha.Action;
import io.vigil.agent.ha.Decision;
import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.Rule;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Writes one line per cycle in steady state and a decision record (inputs, rule, actions, reason)
 * whenever a cycle acts.
 */
public final class DecisionLog {

  /** Marks the decision records, apart from the steady-state lines (the demo's console shows only those). */
  public static final Marker DECISION = MarkerFactory.getMarker("DECISION");

  private static final Logger LOG = LoggerFactory.getLogger("vigil.ha");
  private String lastSteadyMessage = "";
  /** The rule of the previous cycle, so that a lasting condition is warned about once, when it begins. */
  private Rule lastRule;

  public synchronized void record(Observation o, Decision d, boolean paused) {
    String prefix = paused ? "PAUSE: " : "";
    boolean entered = d.rule() != lastRule;
    lastRule = d.rule();
    if (!d.acts()) {
      if (entered && d.rule().warnsOnEntry()) {
        LOG.warn("{}{}", prefix, d.message());
      } else {
        LOG.info("{}{}", prefix, d.message());
      }
      lastSteadyMessage = d.message();
      return;
    }
    String actions = d.actions().stream().filter(a -> !a.housekeeping())
        .map(DecisionLog::describe).collect(Collectors.joining(", "));
    String line = String.format("%sdecision cycle=%d rule=%s actions=[%s] reason=\"%s\" inputs={%s}",
        prefix, d.memory().cycle(), d.rule(), actions, d.message(), inputs(o));
    LOG.info(DECISION, line);
  }

  public synchronized String lastSteadyMessage() {
    return lastSteadyMessage;
  }

  private static String describe(Action a) {
    return a.toString().replace("[]", "");
  }

  private static String inputs(Observation o) {
    String leader = o.view().map(v -> v.leader().map(l -> l.name()).orElse("none")).orElse("unknown");
    String optime = o.view().map(v -> v.optime().isPresent() ? Long.toString(v.optime().getAsLong()) : "none")
        .orElse("unknown");
    return "leader=" + leader
        + " lock_mine=" + o.holdsLock()
        + " dcs=" + (o.view().isPresent() ? "ok" : "unreachable")
        + " data_dir=" + o.pg().dataDir()
        + " pg_running=" + o.pg().running()
        + " pg_role=" + (o.pg().isPrimary() ? "primary" : o.pg().isReplica() ? "replica" : "unknown")
        + " timeline=" + o.pg().timeline()
        + " wal=" + o.pg().walPosition()
        + " optime=" + optime
        + " peers=" + o.peers().stream().map(p -> p.name() + (p.reachable() ? (p.primary() ? ":primary@" : ":replica@")
            + p.walPosition() : ":unreachable")).collect(Collectors.joining(",", "[", "]"));
  }
}
