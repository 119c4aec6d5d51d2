package io.vigil.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Patroni keys Vigil accepts without doing what Patroni does with them, and what happens instead. Accepting them
 * keeps a working Patroni configuration loadable; naming them at start keeps the difference from being silent
 * (a bootstrap script or replica method an operator relies on must not just vanish).
 */
public final class UnimplementedKeys {

    private static final Map<String, String> CONSEQUENCES = consequences();

    private UnimplementedKeys() {
    }

    private static Map<String, String> consequences() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("postgresql.before_stop", "the script is not run before PostgreSQL is stopped");
        c.put("postgresql.custom_conf", "Vigil's postgresql.conf includes postgresql.base.conf, not this file");
        c.put("tags.nostream", "the replica still streams from its upstream (the tag is only published)");
        return Collections.unmodifiableMap(c); // in this order in the log
    }

    /** Each key of {@code raw} (the configuration as read) that Vigil does not implement, with its consequence. */
    public static Map<String, String> in(Map<String, Object> raw) {
        Map<String, String> found = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : CONSEQUENCES.entrySet()) {
            if (set(raw, e.getKey())) {
                found.put(e.getKey(), e.getValue());
            }
        }
        return found;
    }

    private static boolean set(Map<String, Object> raw, String key) {
        Object value = lookup(raw, key);
        return value != null && !(value instanceof String s && s.isBlank()) && !Boolean.FALSE.equals(value);
    }

    private static Object lookup(Map<String, Object> raw, String dotted) {
        Object node = raw;
        for (String part : dotted.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(part);
        }
        return node;
    }
}
