package io.vigil.agent.api;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times of scheduled switchovers and restarts. The REST side validates like Patroni's {@code parse_schedule}:
 * an unparseable value is 422, a value without a time zone 400, a time in the past 422. Patroni parses with
 * {@code dateutil}; Vigil accepts the ISO 8601 forms operators and patronictl actually send:
 * {@code 2026-11-23T13:00:00+01:00}, a space instead of {@code T}, optional seconds and fraction, offsets
 * {@code Z}, {@code UTC}, {@code +01}, {@code +0100} or {@code +01:00}, or a date alone (midnight).
 */
public final class ScheduledAt {

  private static final Pattern ISO = Pattern.compile(
      "(\\d{4})-(\\d{1,2})-(\\d{1,2})(?:[T ](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?)?"
          + "\\s*(Z|UTC|GMT|[+-]\\d{2}(?::?\\d{2})?)?",
      Pattern.CASE_INSENSITIVE);
  private static final String UNPARSEABLE =
      "Unable to parse scheduled timestamp. It should be in an unambiguous format, e.g. ISO 8601";

  /** A parse outcome: the time, or an HTTP status with Patroni's message. */
  record Result(OffsetDateTime time, int status, String error) {
    boolean ok() {
      return error == null;
    }
  }

  /** Date and time as written, with the offset when one was given (null otherwise). */
  private record Fields(LocalDateTime time, ZoneOffset offset) {}

  private ScheduledAt() {}

  static Result parse(Object value, String action, Instant now) {
    Optional<Fields> fields = value instanceof String text ? fields(text) : Optional.empty();
    if (fields.isEmpty()) {
      return new Result(null, 422, UNPARSEABLE);
    }
    if (fields.get().offset() == null) {
      return new Result(null, 400, "Timezone information is mandatory for the scheduled " + action);
    }
    OffsetDateTime time = fields.get().time().atOffset(fields.get().offset());
    if (time.toInstant().isBefore(now)) {
      return new Result(null, 422, "Cannot schedule " + action + " in the past");
    }
    return new Result(time, 0, null);
  }

  /**
   * The same forms for {@code vigilctl --scheduled}: a time without zone is local time, as patronictl reads it.
   *
   * @return empty when unparseable
   */
  public static Optional<OffsetDateTime> parseLocal(String text, ZoneId local) {
    return fields(text).map(f -> f.offset() == null ? f.time().atZone(local).toOffsetDateTime()
        : f.time().atOffset(f.offset()));
  }

  private static Optional<Fields> fields(String text) {
    Matcher m = ISO.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      LocalDate date = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)));
      LocalTime clock = LocalTime.MIDNIGHT;
      if (m.group(4) != null) {
        int nanos = m.group(7) == null ? 0 : Integer.parseInt((m.group(7) + "00000000").substring(0, 9));
        clock = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
            m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos);
      }
      return Optional.of(new Fields(date.atTime(clock), m.group(8) == null ? null : offset(m.group(8))));
    } catch (DateTimeException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static ZoneOffset offset(String text) {
    String t = text.toUpperCase(Locale.ROOT);
    if (t.equals("Z") || t.equals("UTC") || t.equals("GMT")) {
      return ZoneOffset.UTC;
    }
    String digits = t.substring(1).replace(":", "");
    int hours = Integer.parseInt(digits.substring(0, 2));
    int minutes = digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0;
    int sign = t.charAt(0) == '-' ? -1 : 1;
    return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
  }
}
