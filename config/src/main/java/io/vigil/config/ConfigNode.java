package io.vigil.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The value found at one dotted key path of the parsed YAML tree. Conversions are lenient in the
 * ways Patroni is (numeric strings, on/off booleans) and otherwise fail with an error naming the path.
 * A YAML null is treated like an absent key, as Patroni's {@code dict.get} lookups do.
 */
final class ConfigNode {

    private final String path;
    private final Object value;

    private ConfigNode(String path, Object value) {
        this.path = path;
        this.value = value;
    }

    static ConfigNode root(Map<String, ?> tree) {
        return new ConfigNode("", tree);
    }

    String path() {
        return path;
    }

    Object value() {
        return value;
    }

    boolean isPresent() {
        return value != null;
    }

    ConfigNode get(String key) {
        String childPath = path.isEmpty() ? key : path + "." + key;
        return new ConfigNode(childPath, value == null ? null : asMap().get(key));
    }

    /** The mapping at this path; empty when absent. */
    Map<String, Object> asMap() {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return ConfigMaps.stringKeyed(map);
        }
        throw error("expected a mapping, got " + describe(value));
    }

    /** The list at this path; empty when absent. */
    List<Object> asList() {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        throw error("expected a list, got " + describe(value));
    }

    /** A list of strings (e.g. pg_hba lines); empty when absent. */
    List<String> asStringList() {
        List<String> strings = new ArrayList<>();
        for (Object item : asList()) {
            if (!(item instanceof String || item instanceof Number)) {
                throw error("expected a list of strings, got an item " + describe(item));
            }
            strings.add(scalarText(item));
        }
        return strings;
    }

    String requiredString() {
        String text = optionalString().orElseThrow(this::missing);
        if (text.isBlank()) {
            throw error("must not be empty");
        }
        return text;
    }

    String string(String fallback) {
        return optionalString().orElse(fallback);
    }

    Optional<String> optionalString() {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String || value instanceof Number) {
            return Optional.of(scalarText(value));
        }
        throw error("expected a string, got " + describe(value) + (value instanceof Boolean ? " (quote the value)" : ""));
    }

    int integer(int fallback) {
        long number = longInteger(fallback);
        if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
            throw error("expected an integer, got " + describe(value) + " (out of range)");
        }
        return (int) number;
    }

    long longInteger(long fallback) {
        if (value == null) {
            return fallback;
        }
        OptionalLong number = parseInteger(value);
        if (number.isEmpty()) {
            throw error("expected an integer, got " + describe(value));
        }
        return number.getAsLong();
    }

    boolean bool(boolean fallback) {
        if (value == null) {
            return fallback;
        }
        return parseBoolean(value).orElseThrow(() -> error("expected a boolean, got " + describe(value)));
    }

    ConfigException error(String problem) {
        return new ConfigException(path, problem);
    }

    ConfigException missing() {
        return error("required key is missing");
    }

    /** Patroni's parse_bool: true/false and the strings (or 1/0) on/true/yes/1 and off/false/no/0. */
    static Optional<Boolean> parseBoolean(Object raw) {
        if (raw instanceof Boolean b) {
            return Optional.of(b);
        }
        if (raw instanceof String || raw instanceof Integer || raw instanceof Long) {
            switch (raw.toString().trim().toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes", "1":
                    return Optional.of(true);
                case "off", "false", "no", "0":
                    return Optional.of(false);
                default:
                    return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Patroni coerces dynamic numbers with int(): numeric strings and whole floats are accepted. */
    static OptionalLong parseInteger(Object raw) {
        try {
            if (raw instanceof Integer || raw instanceof Long) {
                return OptionalLong.of(((Number) raw).longValue());
            }
            if (raw instanceof BigInteger big) {
                return OptionalLong.of(big.longValueExact());
            }
            if (raw instanceof Double || raw instanceof Float) {
                return OptionalLong.of(BigDecimal.valueOf(((Number) raw).doubleValue()).longValueExact());
            }
            if (raw instanceof String text) {
                return OptionalLong.of(Long.parseLong(text.trim()));
            }
        } catch (ArithmeticException | NumberFormatException notAnInteger) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    static String scalarText(Object scalar) {
        if (scalar instanceof Double || scalar instanceof Float) {
            double value = ((Number) scalar).doubleValue();
            // BigDecimal has no infinity or NaN (YAML's .inf, or 1.0e+999); Python's str() spelling instead
            if (!Double.isFinite(value)) {
                return Double.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
            }
            return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        }
        return scalar.toString();
    }

    /** How a bad value is shown in a message: strings quoted, collections by kind only. */
    static String describe(Object raw) {
        if (raw == null) {
            return "nothing";
        }
        if (raw instanceof String text) {
            return '"' + text + '"';
        }
        if (raw instanceof Map) {
            return "a mapping";
        }
        if (raw instanceof List) {
            return "a list";
        }
        return raw.toString();
    }
}
