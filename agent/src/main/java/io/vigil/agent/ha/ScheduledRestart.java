package io.vigil.agent.ha;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A restart the operator scheduled on this node ({@code POST /restart} with {@code schedule}). Like
 * Patroni, the agent keeps it in memory (it does not survive an agent restart) and publishes it in its
 * member key; it is dropped when PostgreSQL was restarted some other way in the meantime.
 *
 * @param atMillis            when, epoch milliseconds
 * @param request             the request as published: {@code schedule} (ISO 8601) and the filters as given
 * @param conditions          the parsed filters
 * @param postmasterStartTime PostgreSQL's start time when the restart was scheduled; empty if it was down
 */
public record ScheduledRestart(long atMillis, Map<String, Object> request, RestartConditions conditions,
    Optional<String> postmasterStartTime) {

  public ScheduledRestart {
    request = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(request));
  }

  public String schedule() {
    return String.valueOf(request.get("schedule"));
  }

  /** The member key's {@code scheduled_restart}: the request, then {@code postmaster_start_time}. */
  public Map<String, Object> memberValue() {
    Map<String, Object> m = new LinkedHashMap<>(request);
    m.put("postmaster_start_time", postmasterStartTime.orElse(null));
    return m;
  }

  /** What happens to a scheduled restart at one cycle. */
  record Verdict(Rule rule, String message, Optional<Action> action, boolean keep) {}

  /**
   * Patroni's {@code evaluate_scheduled_restart} with Vigil's timing: the loop wakes up when the restart is
   * due instead of sleeping in a cycle. Runs only on a healthy node with PostgreSQL running.
   *
   * @return empty while the restart is more than a loop away (nothing to say)
   */
  Optional<Verdict> evaluate(Observation o) {
    Optional<String> started = o.pg().status().map(s -> s.postmasterStartTime());
    if (postmasterStartTime.isPresent() && started.isPresent() && !started.equals(postmasterStartTime)) {
      return Optional.of(new Verdict(Rule.SCHEDULED_RESTART_DROPPED, "cancelling scheduled restart: postgres "
          + "restart has already happened at " + started.get(), Optional.empty(), false));
    }
    if (o.settings().dynamic().pause()) {
      return Optional.empty();
    }
    long loopWaitMs = o.settings().dynamic().loopWait() * 1000L;
    long in = atMillis - o.nowMillis();
    if (in > loopWaitMs) {
      return Optional.empty();
    }
    if (-in > loopWaitMs * 3 / 2) {
      return Optional.of(new Verdict(Rule.SCHEDULED_RESTART_DROPPED,
          "found a stale scheduled restart at " + schedule() + ", cleaning up", Optional.empty(), false));
    }
    if (in > 0) {
      return Optional.of(new Verdict(Rule.SCHEDULED_RESTART_WAIT,
          "restart scheduled at " + schedule() + " is due in " + in + " ms",
          Optional.of(new Action.RecheckSoon(in)), true));
    }
    if (!conditions.matches(o.pg())) {
      return Optional.of(new Verdict(Rule.SCHEDULED_RESTART_DROPPED,
          "scheduled restart at " + schedule() + ": restart conditions are not satisfied", Optional.empty(), false));
    }
    return Optional.of(new Verdict(Rule.SCHEDULED_RESTART, "restarting postgres as scheduled at " + schedule(),
        Optional.of(new Action.RestartPostgres(conditions.timeoutSeconds())), false));
  }
}
