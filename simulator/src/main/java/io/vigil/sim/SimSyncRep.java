package io.vigil.sim;

import io.vigil.postgres.SyncStandbyNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * PostgreSQL's synchronous replication rules (syncrep.c) as the simulated primary applies them: which of its streaming
 * standbys are synchronous under a {@code synchronous_standby_names} value, what {@code pg_stat_replication.sync_state}
 * shows for each, and up to where commits waiting for their acknowledgement are released.
 *
 * <ul>
 *   <li>empty: no synchronous replication; a commit is acknowledged once flushed locally;
 *   <li>{@code name}, {@code N (a,b)}, {@code FIRST N (a,b)}: the first N streaming standbys by their position in the
 *       list are synchronous ({@code sync}, the other listed ones {@code potential}); commits are released up to the
 *       oldest flush among those N, and only while at least N listed standbys stream;
 *   <li>{@code ANY k (a,b)}: every streaming listed standby is a {@code quorum} candidate; commits are released up to
 *       the k-th newest flush among them, and only while at least k stream;
 *   <li>a list holding {@code *}: every standby matches, with the priority rule. {@code SyncStandbyNames.parse} keeps
 *       neither where {@code *} stood nor whether {@code ANY} was written, so explicitly listed names come first and
 *       {@code ANY k (*)} is read as {@code FIRST k (*)}; the core only writes {@code *} alone, where the two agree
 *       except on which standby is chosen (the first in walsender order, as PostgreSQL does on equal priorities).
 * </ul>
 */
final class SimSyncRep {

  /** One walsender in the streaming state: the standby's name and what it has flushed, in walsender slot order. */
  record Sender(String name, long flushed) {}

  /** Nothing can be released: too few synchronous standbys stream. */
  static final long NONE_RELEASED = Long.MIN_VALUE;

  private SimSyncRep() {}

  /** {@code sync_priority}: the standby's 1-based position in the list, 0 when it is not a candidate. */
  static int priority(SyncStandbyNames.Parsed rule, String name) {
    List<String> names = rule.names();
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return i + 1;
      }
    }
    return rule.kind() == SyncStandbyNames.Kind.ANY ? names.size() + 1 : 0;
  }

  /** {@code pg_stat_replication.sync_state} for each of {@code senders}, in their order. */
  static List<String> states(SyncStandbyNames.Parsed rule, List<String> senders) {
    List<String> states = new ArrayList<>();
    List<String> chosen = chosen(rule, senders);
    for (String s : senders) {
      if (rule.kind() == SyncStandbyNames.Kind.NONE || priority(rule, s) == 0) {
        states.add("async");
      } else if (rule.kind() == SyncStandbyNames.Kind.QUORUM) {
        states.add("quorum");
      } else {
        states.add(chosen.contains(s) ? "sync" : "potential");
      }
    }
    return states;
  }

  /**
   * Up to where commits waiting for synchronous replication are released: {@code Long.MAX_VALUE} without synchronous
   * replication, {@link #NONE_RELEASED} while too few synchronous standbys stream.
   */
  static long releaseLsn(SyncStandbyNames.Parsed rule, List<Sender> senders) {
    if (rule.kind() == SyncStandbyNames.Kind.NONE) {
      return Long.MAX_VALUE;
    }
    List<Sender> candidates = senders.stream().filter(s -> priority(rule, s.name()) > 0).toList();
    if (candidates.size() < rule.count()) {
      return NONE_RELEASED;
    }
    if (rule.kind() == SyncStandbyNames.Kind.QUORUM) {
      List<Long> flushed = candidates.stream().map(Sender::flushed).sorted(Comparator.reverseOrder()).toList();
      return flushed.get(rule.count() - 1);
    }
    List<String> chosen = chosen(rule, candidates.stream().map(Sender::name).toList());
    return candidates.stream().filter(s -> chosen.contains(s.name())).mapToLong(Sender::flushed).min()
        .orElse(NONE_RELEASED);
  }

  /** The priority rule's synchronous standbys: the first {@code count} candidates by priority, then slot order. */
  private static List<String> chosen(SyncStandbyNames.Parsed rule, List<String> senders) {
    if (rule.kind() == SyncStandbyNames.Kind.NONE || rule.kind() == SyncStandbyNames.Kind.QUORUM) {
      return List.of();
    }
    List<String> candidates = new ArrayList<>(senders.stream().filter(s -> priority(rule, s) > 0).toList());
    candidates.sort(Comparator.comparingInt(s -> priority(rule, s))); // stable: slot order on equal priority
    return candidates.subList(0, Math.min(rule.count(), candidates.size()));
  }
}
