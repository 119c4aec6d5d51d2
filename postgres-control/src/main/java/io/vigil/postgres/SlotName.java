package io.vigil.postgres;

import java.util.Locale;

/** Replication slot names derived from member names (spec §3.13), identical to Patroni's so slots survive a mixed cluster. */
final class SlotName {

  static final int MAX_LENGTH = 63;

  private SlotName() {}

  /**
   * Lower-cased; {@code -} and {@code .} become {@code _}; any other character outside
   * {@code [a-z0-9_]} becomes {@code u} plus its code point as four decimal digits; cut to 63.
   */
  static String of(String memberName) {
    StringBuilder out = new StringBuilder();
    memberName.toLowerCase(Locale.ROOT).codePoints().forEach(cp -> {
      if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '_') {
        out.appendCodePoint(cp);
      } else if (cp == '-' || cp == '.') {
        out.append('_');
      } else {
        out.append('u').append(String.format(Locale.ROOT, "%04d", cp));
      }
    });
    return out.length() > MAX_LENGTH ? out.substring(0, MAX_LENGTH) : out.toString();
  }

  static boolean isValid(String slot) {
    return slot.matches("[a-z0-9_]{1,63}");
  }
}
