package io.vigil.sim;

import io.vigil.agent.ha.Action;
import io.vigil.agent.ha.Decision;
import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.PeerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What happened in one run, in order: the decision records of every agent (as the agent's own
 * decision log writes them), the faults, and what PostgreSQL and ZooKeeper did in response.
 * Decision lines are rendered only when the trace is printed, because almost every run passes.
 */
final class Trace {

  private interface Entry {
    String render();
  }

  private record Line(long time, String node, String text) implements Entry {
    @Override
    public String render() {
      return prefix(time, node) + text;
    }
  }

  private record DecisionLine(long time, String node, Observation o, Decision d) implements Entry {
    @Override
    public String render() {
      String actions = d.actions().stream().filter(a -> !a.housekeeping()).map(DecisionLine::describe)
          .collect(Collectors.joining(", "));
      return prefix(time, node) + "cycle=" + d.memory().cycle() + " rule=" + d.rule() + " actions=[" + actions
          + "] \"" + d.message() + "\" {" + inputs(o) + "}";
    }

    private static String describe(Action a) {
      return a.toString().replace("[]", "");
    }

    private static String inputs(Observation o) {
      String leader = o.view().map(v -> v.leader().map(l -> l.name() + "/s" + l.session()).orElse("none"))
          .orElse("unknown");
      String optime = o.view().map(v -> v.optime().isPresent() ? Long.toString(v.optime().getAsLong()) : "none")
          .orElse("unknown");
      String peers = o.peers().stream().map(DecisionLine::peer).collect(Collectors.joining(",", "[", "]"));
      return "leader=" + leader + " session=s" + o.mySession() + " lock_mine=" + o.holdsLock()
          + " dcs=" + (o.view().isPresent() ? "ok" : "unreachable") + " data_dir=" + o.pg().dataDir()
          + " pg_running=" + o.pg().running()
          + " pg_role=" + (o.pg().isPrimary() ? "primary" : o.pg().isReplica() ? "replica" : "unknown")
          + " timeline=" + o.pg().timeline() + " wal=" + o.pg().walPosition() + " optime=" + optime
          + " peers=" + peers;
    }

    private static String peer(PeerStatus p) {
      if (!p.reachable()) {
        return p.name() + ":unreachable";
      }
      return p.name() + (p.primary() ? ":primary@" : ":replica@") + p.walPosition();
    }
  }

  private final List<Entry> entries = new ArrayList<>();

  void event(long time, String node, String text) {
    entries.add(new Line(time, node, text));
  }

  void decision(long time, String node, Observation o, Decision d) {
    entries.add(new DecisionLine(time, node, o, d));
  }

  int size() {
    return entries.size();
  }

  String render() {
    StringBuilder sb = new StringBuilder();
    for (Entry e : entries) {
      sb.append(e.render()).append('\n');
    }
    return sb.toString();
  }

  static String seconds(long ms) {
    return String.format(Locale.ROOT, "%d.%03ds", ms / 1000, ms % 1000);
  }

  private static String prefix(long time, String node) {
    return String.format(Locale.ROOT, "[%9s] %-7s ", seconds(time), node);
  }
}
