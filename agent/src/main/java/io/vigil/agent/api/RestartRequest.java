package io.vigil.agent.api;

import io.vigil.agent.ha.Isoformat;
import io.vigil.agent.ha.RestartConditions;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /restart}, validated like Patroni 3.0.2: every key must be a known filter
 * ({@code schedule}, {@code role}, {@code postgres_version}, {@code timeout}, {@code restart_pending}), each
 * with a valid value, checked in the order given.
 *
 * @param conditions what must hold when the restart runs
 * @param schedule   when to restart; empty = now
 * @param published  the request as a scheduled restart is published: the keys as given, {@code schedule} in
 *                   ISO 8601 with its offset
 */
record RestartRequest(RestartConditions conditions, Optional<OffsetDateTime> schedule, Map<String, Object> published) {

  /** A refusal with status and message. */
  record Refusal(int status, String message) {}

  private static final Pattern DURATION = Pattern.compile("\\s*(-?\\d+(?:\\.\\d+)?)\\s*(ms|s|min|h|d)?\\s*");

  static Object parse(Map<String, Object> body, Instant now) {
    Optional<String> role = Optional.empty();
    OptionalInt version = OptionalInt.empty();
    OptionalLong timeout = OptionalLong.empty();
    Optional<OffsetDateTime> schedule = Optional.empty();
    Map<String, Object> published = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : body.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "schedule" -> {
          ScheduledAt.Result r = ScheduledAt.parse(v, "restart", now);
          if (!r.ok()) {
            return new Refusal(r.status(), r.error());
          }
          schedule = Optional.of(r.time());
          v = Isoformat.of(r.time());
        }
        case "role" -> {
          if (!("master".equals(v) || "primary".equals(v) || "replica".equals(v))) {
            return new Refusal(400, "PostgreSQL role should be either master or replica");
          }
          role = Optional.of("primary".equals(v) ? "master" : (String) v);
        }
        case "postgres_version" -> {
          try {
            version = OptionalInt.of(versionToInt(String.valueOf(v)));
          } catch (IllegalArgumentException bad) {
            return new Refusal(400, bad.getMessage());
          }
        }
        case "timeout" -> {
          Optional<Long> seconds = seconds(v);
          if (seconds.isEmpty() || seconds.get() <= 0) {
            return new Refusal(400, "Timeout should be a positive number of seconds");
          }
          timeout = OptionalLong.of(seconds.get());
        }
        case "restart_pending" -> {
          // presence is the filter
        }
        default -> {
          return new Refusal(400, "Unknown filter for the scheduled restart: " + e.getKey());
        }
      }
      published.put(e.getKey(), v);
    }
    RestartConditions conditions = new RestartConditions(role, version, body.containsKey("restart_pending"), timeout);
    return new RestartRequest(conditions, schedule, published);
  }

  /** Patroni's {@code postgres_version_to_int}: {@code 9.6.3} → 90603, {@code 15.4} → 150004. */
  static int versionToInt(String version) {
    String[] parts = version.split("\\.", -1);
    int[] c = new int[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        c[i] = Integer.parseInt(parts[i].trim());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid PostgreSQL version: " + version);
    }
    if (c.length < 2 || c.length == 2 && c[0] < 10 || c.length > 3) {
      throw new IllegalArgumentException("Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: " + version);
    }
    return c.length == 2 ? c[0] * 10000 + c[1] : c[0] * 10000 + c[1] * 100 + c[2];
  }

  /** Patroni's {@code parse_int(value, 's')}: a number, or a string with an optional unit. */
  static Optional<Long> seconds(Object v) {
    if (v instanceof Number n) {
      return Optional.of(Math.round(n.doubleValue()));
    }
    if (!(v instanceof String s)) {
      return Optional.empty();
    }
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      return Optional.empty();
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double factor = switch (unit) {
      case "ms" -> 0.001;
      case "min" -> 60;
      case "h" -> 3600;
      case "d" -> 86400;
      default -> 1;
    };
    return Optional.of(Math.round(value * factor));
  }
}
