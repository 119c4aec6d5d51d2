package io.vigil.postgres;

import java.util.Locale;

/**
 * A WAL location (log sequence number). PostgreSQL prints it as two hexadecimal 32-bit halves
 * ({@code 0/3000060}); Patroni publishes it as the plain integer, which is {@link #value()}.
 */
public record Lsn(long value) implements Comparable<Lsn> {

  public static final Lsn ZERO = new Lsn(0);

  /** Parses {@code "X/Y"} as PostgreSQL prints it (hex, either case). */
  public static Lsn parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    if (slash <= 0 || slash == t.length() - 1 || t.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException("not an LSN: '" + text + "'");
    }
    long high = half(t.substring(0, slash), text);
    long low = half(t.substring(slash + 1), text);
    return new Lsn((high << 32) | low);
  }

  private static long half(String hex, String text) {
    if (hex.length() > 8) {
      throw new IllegalArgumentException("not an LSN: '" + text + "'");
    }
    try {
      return Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an LSN: '" + text + "'", e);
    }
  }

  /** LSNs are unsigned 64-bit values. */
  @Override
  public int compareTo(Lsn other) {
    return Long.compareUnsigned(value, other.value);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%X/%X", value >>> 32, value & 0xFFFF_FFFFL);
  }
}
