package io.vigil.restapi;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code ?tag_<name>=<value>} filters of the health checks and the tag semantics they rely on, as in
 * Patroni 3.0.2: every filter must name a tag the node has, with exactly that value; non-string tag values
 * are compared in their lower-cased text form ({@code true}, {@code 1}).
 */
final class TagFilter {

    private static final String PREFIX = "tag_";

    private TagFilter() {
    }

    static boolean matches(Map<String, List<String>> query, Map<String, Object> tags) {
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            String key = parameter.getKey();
            String wanted = firstValue(parameter.getValue());
            if (key == null || !key.startsWith(PREFIX) || wanted == null) {
                continue;
            }
            Object actual = tags.get(key.substring(PREFIX.length()));
            if (actual == null || !wanted.equals(asText(actual))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first non-empty value of a query parameter. Patroni parses the query with {@code parse_qs}, which
     * drops empty values, so {@code ?lag=} or {@code ?tag_x=} count as absent there too.
     */
    static String firstValue(List<String> values) {
        if (values != null) {
            for (String value : values) {
                if (value != null && !value.isEmpty()) {
                    return value;
                }
            }
        }
        return null;
    }

    /** Python's truth value, used by Patroni for boolean tags such as {@code noloadbalance}. */
    static boolean isTruthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof CharSequence s) {
            return s.length() > 0;
        }
        if (value instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    private static String asText(Object value) {
        return value instanceof String s ? s : String.valueOf(value).toLowerCase(Locale.ROOT);
    }
}
