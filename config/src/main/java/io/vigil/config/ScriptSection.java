package io.vigil.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user-named section that configures a script, such as a replica creation method or a custom bootstrap: its
 * {@code command} and, besides Patroni's own flags, keys that Patroni hands to the script as {@code --key=value}.
 */
final class ScriptSection {

    private ScriptSection() {
    }

    /**
     * The keys of {@code section} outside {@code reserved}, rendered as Python's {@code str()} would (Patroni formats
     * them so), in the order of the file. A key whose value is a mapping or a list cannot be one argument and is
     * named in {@code problems} instead.
     */
    static Map<String, String> extraArguments(ConfigNode section, Set<String> reserved, List<String> problems) {
        Map<String, String> args = new LinkedHashMap<>();
        section.asMap().forEach((key, value) -> {
            if (reserved.contains(key)) {
                return;
            }
            if (value instanceof Map || value instanceof List) {
                problems.add(section.path() + "." + key + " is " + ConfigNode.describe(value)
                        + ", not a single value: not passed to the script");
            } else {
                args.put(key, pythonText(value));
            }
        });
        return args;
    }

    private static String pythonText(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return ConfigNode.scalarText(value);
    }

    /** A flag as Patroni reads it: any truthy value; a value that is not a boolean counts as unset. */
    static boolean flag(ConfigNode section, String key) {
        Object raw = section.get(key).value();
        return raw != null && ConfigNode.parseBoolean(raw).orElse(false);
    }
}
