package io.vigil.dcs;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Helpers for the plain Java trees (Map / List / String / Number / Boolean / null) that parsed znode
 * JSON becomes. Pure and free of ZooKeeper and Jackson types so the value records stay portable.
 */
public final class JsonValues {
    private JsonValues() {
    }

    /** Deep, order-preserving, unmodifiable copy; null values are kept because JSON has them. */
    static Map<String, Object> freezeMap(Map<String, ?> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, freeze(v)));
        return Collections.unmodifiableMap(copy);
    }

    static List<Object> freezeList(List<?> list) {
        if (list == null || list.isEmpty()) {
            return List.of();
        }
        List<Object> copy = new ArrayList<>(list.size());
        list.forEach(v -> copy.add(freeze(v)));
        return Collections.unmodifiableList(copy);
    }

    @SuppressWarnings("unchecked")
    static Object freeze(Object value) {
        if (value instanceof Map<?, ?> m) {
            return freezeMap((Map<String, ?>) m);
        }
        if (value instanceof List<?> l) {
            return freezeList(l);
        }
        return value;
    }

    static Optional<String> string(Object value) {
        return value instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** Integral JSON number, or a decimal string (Python's {@code int(x)} accepts both). */
    public static OptionalLong integer(Object value) {
        try {
            if (value instanceof Long || value instanceof Integer || value instanceof Short) {
                return OptionalLong.of(((Number) value).longValue());
            }
            if (value instanceof BigInteger b) {
                return OptionalLong.of(b.longValueExact());
            }
            if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
                double d = ((Number) value).doubleValue();
                return Double.isFinite(d) ? OptionalLong.of((long) d) : OptionalLong.empty();
            }
            if (value instanceof String s && !s.isBlank()) {
                return OptionalLong.of(Long.parseLong(s.strip()));
            }
        } catch (ArithmeticException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /**
     * Truthiness of a tag value. Patroni writes booleans; hand-written YAML tags may be strings, which we
     * read like Patroni 4's {@code parse_bool} ("true", "yes", "on", "1") rather than Python truthiness,
     * under which the string "false" would count as true.
     */
    public static boolean truthy(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String s) {
            String v = s.strip().toLowerCase(java.util.Locale.ROOT);
            return v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("1");
        }
        return false;
    }

    /**
     * Patroni's {@code deep_compare}: same key sets, nested maps compared recursively, every other value
     * compared by its string form (so 5 and 5L, or 5 and "5", are equal).
     */
    static boolean sameAsStrings(Map<String, ?> a, Map<String, ?> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, ?> e : a.entrySet()) {
            Object left = e.getValue();
            Object right = b.get(e.getKey());
            if (left instanceof Map<?, ?> lm) {
                if (!(right instanceof Map<?, ?> rm) || !sameAsStrings(stringKeyed(lm), stringKeyed(rm))) {
                    return false;
                }
            } else if (!Objects.equals(String.valueOf(left), String.valueOf(right))) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    static Map<String, ?> stringKeyed(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, ?>) m : Map.of();
    }
}
