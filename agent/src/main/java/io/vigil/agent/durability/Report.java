package io.vigil.agent.durability;

import io.vigil.agent.durability.Workload.Attempt;
import io.vigil.agent.durability.Workload.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What the attempts and the final rows say: lost acknowledged writes, unexpected rows, write-unavailability. */
final class Report {

  /** A stretch without an acknowledged commit longer than this is a write-unavailability gap. */
  static final double GAP_S = 1.0;

  record Gap(double fromS, double toS) {
    double length() {
      return toS - fromS;
    }
  }

  final List<Long> lost = new ArrayList<>();
  final List<Long> unexpected = new ArrayList<>();
  final Map<String, Integer> counts = new LinkedHashMap<>();
  int unknownCommitted;
  int unknownNotCommitted;
  final List<Gap> gaps = new ArrayList<>();

  /**
   * @param attempts every attempt
   * @param rows     the ids in the table after healing, read from the primary
   * @param endS     when the workload stopped, seconds since its start
   */
  static Report analyse(List<Attempt> attempts, Set<Long> rows, double endS) {
    Report r = new Report();
    Map<Long, Attempt> byId = new HashMap<>();
    for (Outcome o : Outcome.values()) {
      r.counts.put(o.name().toLowerCase(), 0);
    }
    for (Attempt a : attempts) {
      byId.put(a.id(), a);
      r.counts.merge(a.outcome().name().toLowerCase(), 1, Integer::sum);
      boolean present = rows.contains(a.id());
      switch (a.outcome()) {
        case OK -> {
          if (!present) {
            r.lost.add(a.id());
          }
        }
        case FAILED -> {
          if (present) {
            r.unexpected.add(a.id());
          }
        }
        case UNKNOWN -> {
          if (present) {
            r.unknownCommitted++;
          } else {
            r.unknownNotCommitted++;
          }
        }
      }
    }
    for (long id : rows) {
      if (!byId.containsKey(id)) {
        r.unexpected.add(id);
      }
    }
    r.unexpected.sort(Long::compare);
    // acknowledgement times, in order: a gap is a stretch longer than GAP_S without one
    double[] acks = attempts.stream().filter(a -> a.outcome() == Outcome.OK).mapToDouble(a -> a.endNs() / 1e9)
        .sorted().toArray();
    double prev = 0;
    for (double t : acks) {
      if (t - prev > GAP_S) {
        r.gaps.add(new Gap(prev, t));
      }
      prev = t;
    }
    if (endS - prev > GAP_S) {
      r.gaps.add(new Gap(prev, endS));
    }
    return r;
  }

  double totalGapS() {
    return gaps.stream().mapToDouble(Gap::length).sum();
  }

  double longestGapS() {
    return gaps.stream().mapToDouble(Gap::length).max().orElse(0);
  }

  Map<String, Object> unavailability() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("threshold_s", GAP_S);
    m.put("total_s", round(totalGapS()));
    m.put("longest_s", round(longestGapS()));
    List<Map<String, Object>> list = new ArrayList<>();
    for (Gap g : gaps) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("from_s", round(g.fromS()));
      e.put("to_s", round(g.toS()));
      e.put("length_s", round(g.length()));
      list.add(e);
    }
    m.put("gaps", list);
    return m;
  }

  /** The errors of failed and unknown attempts, with how often each occurred (numbers in them blanked). */
  static Map<String, Integer> errorSummary(List<Attempt> attempts) {
    Map<String, Integer> m = new TreeMap<>();
    for (Attempt a : attempts) {
      if (a.error() != null) {
        String key = a.outcome().name().toLowerCase() + ": " + a.error().replaceAll("\\d+", "N");
        m.merge(key.length() > 200 ? key.substring(0, 200) : key, 1, Integer::sum);
      }
    }
    return m;
  }

  static double round(double s) {
    return Math.round(s * 1000) / 1000.0;
  }
}
