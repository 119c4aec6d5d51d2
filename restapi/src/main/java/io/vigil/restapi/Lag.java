package io.vigil.restapi;

import java.math.BigInteger;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code ?lag=} value of the replica health checks into bytes, the way Patroni 3.0.2 does
 * ({@code utils.parse_int(value, 'B')}), so that HAProxy configurations written for Patroni behave the same:
 * <ul>
 *   <li>surrounding blanks are ignored; the number is read like C {@code strtol} with base 0
 *       ({@code 0x1F} hexadecimal, {@code 017} octal, otherwise decimal), or as a decimal fraction
 *       ({@code 1.5MB}, {@code 1e6});</li>
 *   <li>an optional unit follows, case-sensitive and 1024-based: {@code B}, {@code kB}, {@code MB},
 *       {@code GB}, {@code TB}; a fraction is rounded to a whole multiple of the next smaller unit, then to
 *       whole bytes, half to even;</li>
 *   <li>anything else (unknown unit such as {@code mb}, trailing garbage, empty) yields empty, which Patroni
 *       treats exactly like an absent parameter: no lag limit. Values beyond the {@code long} range saturate.</li>
 * </ul>
 */
public final class Lag {

    private static final Pattern HEX = Pattern.compile("[-+]?0x[0-9a-fA-F]+");
    private static final Pattern OCT = Pattern.compile("[-+]?0[0-7]*");
    private static final Pattern DEC = Pattern.compile("[-+]?(0|[1-9][0-9]*)");
    private static final Pattern REAL = Pattern.compile("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?");

    private static final long KB = 1024;
    private static final Map<String, Long> UNIT_BYTES =
            Map.of("B", 1L, "kB", KB, "MB", KB * KB, "GB", KB * KB * KB, "TB", KB * KB * KB * KB);
    /** Patroni rounds a fractional amount of a unit to whole units of the next smaller one. */
    private static final Map<String, Long> ROUNDING_BYTES =
            Map.of("kB", 1L, "MB", KB, "GB", KB * KB, "TB", KB * KB * KB);

    private Lag() {
    }

    /** The lag limit in bytes, or empty when {@code value} is null or not understood (= no limit). */
    public static OptionalLong parse(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        String text = value.strip();
        Matcher integer = integerPrefix(text);
        String rest = integer == null ? text : text.substring(integer.end());
        if ((integer == null && rest.startsWith(".")) || (!rest.isEmpty() && ".eE".indexOf(rest.charAt(0)) >= 0)) {
            return parseReal(text);
        }
        if (integer == null) {
            return OptionalLong.empty();
        }
        BigInteger number = toBigInteger(integer.group());
        String unit = rest.strip();
        if (unit.isEmpty()) {
            return OptionalLong.of(saturate(number));
        }
        return inBytes(number.doubleValue(), unit);
    }

    private static Matcher integerPrefix(String text) {
        for (Pattern pattern : new Pattern[] {HEX, OCT, DEC}) {
            Matcher m = pattern.matcher(text);
            if (m.lookingAt()) {
                return m;
            }
        }
        return null;
    }

    private static OptionalLong parseReal(String text) {
        Matcher m = REAL.matcher(text);
        if (!m.lookingAt()) {
            return OptionalLong.empty();
        }
        double number = Double.parseDouble(m.group());
        String unit = text.substring(m.end()).strip();
        return unit.isEmpty() ? OptionalLong.of(toLong(number)) : inBytes(number, unit);
    }

    // Python converts through float once a unit is involved; doing the same keeps rounding identical.
    private static OptionalLong inBytes(double number, String unit) {
        Long factor = UNIT_BYTES.get(unit);
        if (factor == null) {
            return OptionalLong.empty();
        }
        double bytes = number * factor;
        Long rounding = ROUNDING_BYTES.get(unit);
        if (rounding != null) {
            bytes = Math.rint(bytes / rounding) * rounding;
        }
        return OptionalLong.of(toLong(bytes));
    }

    private static BigInteger toBigInteger(String literal) {
        boolean negative = literal.startsWith("-");
        String digits = literal.startsWith("-") || literal.startsWith("+") ? literal.substring(1) : literal;
        BigInteger magnitude;
        if (digits.startsWith("0x")) {
            magnitude = new BigInteger(digits.substring(2), 16);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            magnitude = new BigInteger(digits.substring(1), 8);
        } else {
            magnitude = new BigInteger(digits);
        }
        return negative ? magnitude.negate() : magnitude;
    }

    private static long saturate(BigInteger number) {
        if (number.bitLength() < Long.SIZE) {
            return number.longValue();
        }
        return number.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    // Math.rint rounds half to even like Patroni's rint(); the cast saturates at the long range.
    private static long toLong(double number) {
        return (long) Math.rint(number);
    }
}
