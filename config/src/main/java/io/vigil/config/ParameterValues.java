package io.vigil.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL parameters as the strings that go into postgresql.conf. YAML booleans become on/off
 * because an unquoted {@code on} in YAML 1.1 is a boolean, which is how Patroni users write it.
 */
final class ParameterValues {

    private ParameterValues() {
    }

    /** Parameters in their configured order; a null value means "not set" and is left out. */
    static Map<String, String> of(ConfigNode parameters) {
        Map<String, String> result = new LinkedHashMap<>();
        parameters.asMap().forEach((name, value) -> {
            if (value != null) {
                result.put(name, text(parameters.get(name), value));
            }
        });
        return Collections.unmodifiableMap(result);
    }

    private static String text(ConfigNode node, Object value) {
        if (value instanceof Boolean on) {
            return on ? "on" : "off";
        }
        if (value instanceof Map || value instanceof List) {
            throw node.error("expected a single value, got " + ConfigNode.describe(value));
        }
        return ConfigNode.scalarText(value);
    }
}
