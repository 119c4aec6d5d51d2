package io.vigil.agent.durability;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One injected fault as the report shows it. */
final class Fault {

  /** The kinds, in the order a schedule cycles through them. */
  enum Kind {
    /** kill -9 of the leader's agent and then of its postmaster; the agent is started again ttl + 5 s later. */
    KILL9("kill9"),
    /** kill -9 of the leader's postmaster only; its agent is left to deal with it. */
    POSTMASTER("postmaster"),
    /** SIGSTOP of the leader's agent for ttl + 5 s, then SIGCONT. */
    SIGSTOP("sigstop"),
    /** {@code POST /switchover} from the leader to a replica (the synchronous standby in synchronous modes). */
    SWITCHOVER("switchover");

    final String id;

    Kind(String id) {
      this.id = id;
    }

    static List<Kind> parseList(String csv) {
      List<Kind> out = new ArrayList<>();
      for (String s : csv.split(",")) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        Kind k = null;
        for (Kind c : values()) {
          if (c.id.equals(t)) {
            k = c;
          }
        }
        if (k == null) {
          throw new IllegalArgumentException("unknown fault kind " + s + " (kill9, postmaster, sigstop, switchover)");
        }
        out.add(k);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("--kinds needs at least one kind");
      }
      return List.copyOf(out);
    }
  }

  final Kind kind;
  final double plannedS;
  double atS = -1;
  boolean healthyBefore;
  double endS = -1;
  String target = "";
  String outcome = "not run";

  Fault(Kind kind, double plannedS) {
    this.kind = kind;
    this.plannedS = plannedS;
  }
}
