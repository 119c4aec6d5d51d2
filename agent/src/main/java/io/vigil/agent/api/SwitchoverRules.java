package io.vigil.agent.api;

import io.vigil.agent.ha.Isoformat;
import io.vigil.config.SyncMode;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.FailoverTags;
import io.vigil.dcs.MemberNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The pure rules of {@code POST /switchover} and {@code POST /failover} (Patroni 3.0.2 {@code do_POST_failover},
 * {@code is_failover_possible}, {@code poll_failover_result}), separated from the I/O so each can be
 * tested on its own: validate the body, list the members whose REST status decides feasibility, judge
 * their documents, build the {@code /failover} value, and read the outcome from a later cluster view.
 */
final class SwitchoverRules {

  static final String SWITCHOVER = "switchover";
  static final String FAILOVER = "failover";

  /** A refusal or final answer: status and Patroni's message. */
  record Answer(int status, String message) {}

  /** A valid request; {@code leader}/{@code candidate}/{@code scheduledAt} may be null. */
  record Request(String leader, String candidate, OffsetDateTime scheduledAt) {}

  /** Either a refusal, or the members to poll (at least one). */
  record Feasibility(Answer refusal, List<MemberNode> toPoll) {}

  private SwitchoverRules() {}

  /**
   * Steps 1-3 of wire spec 5.4 plus one Vigil addition (leader = candidate is refused at once, as Patroni 4
   * does, instead of being written and then failing).
   *
   * @return the request, or a 400/422 answer
   */
  static Object validate(Map<String, Object> body, String action, boolean paused, Instant now) {
    String leader;
    String candidate;
    try {
      leader = name(body.get("leader"));
      candidate = name(body.get("candidate"));
      if (candidate == null) {
        candidate = name(body.get("member"));
      }
    } catch (IllegalArgumentException notAName) {
      return new Answer(400, notAName.getMessage());
    }
    Object scheduled = body.get("scheduled_at");
    if (FAILOVER.equals(action) && candidate == null) {
      return new Answer(400, "Failover could be performed only to a specific candidate");
    }
    if (SWITCHOVER.equals(action) && leader == null) {
      return new Answer(400, "Switchover could be performed only from a specific leader");
    }
    OffsetDateTime at = null;
    if (given(scheduled)) {
      if (leader == null) {
        return new Answer(400, "Scheduled " + action + " is possible only from a specific leader");
      }
      if (paused) {
        return new Answer(400, "Can't schedule " + action + " in the paused state");
      }
      ScheduledAt.Result parsed = ScheduledAt.parse(scheduled, action, now);
      if (!parsed.ok()) {
        return new Answer(parsed.status(), parsed.error());
      }
      at = parsed.time();
    }
    if (paused && candidate == null) {
      return new Answer(400, title(action) + " is possible only to a specific candidate in a paused state");
    }
    if (leader != null && leader.equals(candidate)) {
      return new Answer(400, title(action) + " target and source are the same");
    }
    return new Request(leader, candidate, at);
  }

  /**
   * Patroni's {@code is_failover_possible} up to the REST poll (3.0.2). In synchronous mode a switchover goes only to
   * a member {@code /sync} lists: the others may lack acknowledged commits.
   */
  static Feasibility feasibility(ClusterView view, String leader, String candidate, String action) {
    Optional<String> current = view.leader().map(l -> l.name());
    if (leader != null && !current.map(leader::equals).orElse(false)) {
      return refused("leader name does not match");
    }
    boolean synchronous = view.config().map(c -> SyncMode.lenient(c.data().get("synchronous_mode")).enabled())
        .orElse(false);
    List<MemberNode> members;
    if (candidate != null) {
      if (current.map(candidate::equals).orElse(false)) {
        return refused(action + " is not possible: candidate is already the leader");
      }
      if (SWITCHOVER.equals(action) && synchronous && !view.sync().map(s -> s.matches(candidate)).orElse(false)) {
        return refused("candidate name does not match with sync_standby");
      }
      members = view.members().stream().filter(m -> m.name().equals(candidate)).toList();
      if (members.isEmpty()) {
        return refused("candidate does not exists");
      }
    } else if (synchronous) {
      members = view.members().stream().filter(m -> view.sync().map(s -> s.isStandby(m.name())).orElse(false)
          && m.apiUrl().isPresent()).toList();
      if (members.isEmpty()) {
        return refused(action + " is not possible: can not find sync_standby");
      }
    } else {
      members = view.members().stream()
          .filter(m -> current.isEmpty() || !m.name().equals(current.get()) && m.apiUrl().isPresent())
          .toList();
      if (members.isEmpty()) {
        return refused(action + " is not possible: cluster does not have members except leader");
      }
    }
    return new Feasibility(null, members);
  }

  /** After the poll: possible when at least one polled member has no limitation. */
  static Optional<Answer> judge(List<Optional<Map<String, Object>>> documents, String action) {
    boolean anyGood = documents.stream().anyMatch(d -> limitation(d).isEmpty());
    return anyGood ? Optional.empty()
        : Optional.of(new Answer(412, action + " is not possible: no good candidates have been found"));
  }

  /**
   * Why a member cannot take over, from its REST document (Patroni's {@code failover_limitation}); a
   * document without {@code xlog} is treated as unreachable, as Patroni fails to parse it.
   */
  static Optional<String> limitation(Optional<Map<String, Object>> document) {
    if (document.isEmpty() || !(document.get().get("xlog") instanceof Map<?, ?>)) {
      return Optional.of("not reachable");
    }
    Map<String, Object> doc = document.get();
    if (doc.get("tags") instanceof Map<?, ?> tags && FailoverTags.nofailover(tags)) {
      return Optional.of("not allowed to promote");
    }
    if (truthy(doc.get("watchdog_failed"))) {
      return Optional.of("not watchdog capable");
    }
    return Optional.empty();
  }

  /** The {@code /failover} value: only the keys that are set, JSON key {@code member} for the candidate. */
  static Map<String, Object> failoverValue(Request r) {
    Map<String, Object> value = new LinkedHashMap<>();
    if (r.leader() != null) {
      value.put("leader", r.leader());
    }
    if (r.candidate() != null) {
      value.put("member", r.candidate());
    }
    if (r.scheduledAt() != null) {
      value.put("scheduled_at", Isoformat.of(r.scheduledAt()));
    }
    return value;
  }

  /** One look at the cluster after the request was written; empty = keep waiting. */
  static Optional<Answer> outcome(ClusterView view, String oldLeader, String candidate, String action) {
    if (view.leader().isPresent() && !view.leader().get().name().equals(oldLeader)) {
      String now = view.leader().get().name();
      String verb = SWITCHOVER.equals(action) ? "switched" : "failed";
      if (candidate == null || candidate.equals(now)) {
        return Optional.of(new Answer(200, "Successfully " + verb + " over to \"" + now + "\""));
      }
      return Optional.of(new Answer(200, title(verb) + " over to \"" + now + "\" instead of \"" + candidate + "\""));
    }
    if (view.failover().isEmpty()) {
      return Optional.of(new Answer(503, title(action) + " failed"));
    }
    return Optional.empty();
  }

  static Answer timedOut(String action) {
    return new Answer(503, title(action) + " status unknown");
  }

  /** Whether the cluster is paused: {@code /config} {@code "pause"} as Patroni's {@code parse_bool} reads it. */
  static boolean paused(ClusterView view) {
    return view.config().map(c -> truthy(c.data().get("pause"))).orElse(false);
  }

  static boolean truthy(Object v) {
    if (v == null || v instanceof Boolean b && !b) {
      return false;
    }
    if (v instanceof Boolean) {
      return true;
    }
    if (v instanceof String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      return t.equals("on") || t.equals("true") || t.equals("yes") || t.equals("1");
    }
    if (v instanceof Number n) {
      return n.doubleValue() != 0;
    }
    return true;
  }

  /** Python truthiness of a request value such as {@code scheduled_at}. */
  private static boolean given(Object v) {
    return v != null && !(v instanceof Boolean b && !b) && !(v instanceof String s && s.isEmpty())
        && !(v instanceof Number n && n.doubleValue() == 0);
  }

  static String title(String word) {
    return word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  private static Feasibility refused(String message) {
    return new Feasibility(new Answer(412, message), List.of());
  }

  /** A member name from a JSON value: empty string, null and false mean "not given". */
  private static String name(Object v) {
    if (v == null || v instanceof Boolean b && !b || v instanceof String s && s.isEmpty()) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    throw new IllegalArgumentException("member names must be strings");
  }
}
