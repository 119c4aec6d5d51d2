package io.vigil.agent.ha;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Timestamps as Patroni writes them with Python's {@code datetime.isoformat()}: in {@code /history}, in a scheduled
 * switchover or restart, and in what vigilctl shows of them.
 */
public final class Isoformat {

  private Isoformat() {}

  /** Python's {@code datetime.isoformat()}: microseconds only when non-zero, offset as {@code +HH:MM}. */
  public static String of(OffsetDateTime t) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d",
        t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()));
    int micros = t.getNano() / 1000;
    if (micros != 0) {
      b.append(String.format(Locale.ROOT, ".%06d", micros));
    }
    int total = t.getOffset().getTotalSeconds();
    b.append(total < 0 ? '-' : '+');
    total = Math.abs(total);
    b.append(String.format(Locale.ROOT, "%02d:%02d", total / 3600, total / 60 % 60));
    if (total % 60 != 0) {
      b.append(String.format(Locale.ROOT, ":%02d", total % 60));
    }
    return b.toString();
  }

  /** An instant at UTC ({@code +00:00}). */
  public static String utc(long epochMillis) {
    return of(Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC));
  }
}
