package io.vigil.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders the user options of {@code bootstrap.initdb} and {@code postgresql.basebackup} as argv
 * strings. Both accept a list of flags and single-entry {@code {option: value}} maps, or one map.
 * Options that Vigil itself sets (data directory, WAL method, connection) are refused, because a user
 * value would silently break how Vigil drives the tool.
 */
final class ToolOptions {

    static final Set<String> FORBIDDEN_INITDB = Set.of("pgdata", "nosync", "pwfile", "sync-only", "version");

    static final Set<String> FORBIDDEN_BASEBACKUP = Set.of("pgdata", "format", "wal-method", "xlog-method", "gzip",
            "version", "compress", "dbname", "host", "port", "username", "password");

    private ToolOptions() {
    }

    static List<String> render(ConfigNode node, Set<String> forbidden) {
        if (!node.isPresent()) {
            return List.of();
        }
        List<String> argv = new ArrayList<>();
        if (node.value() instanceof Map) {
            node.asMap().forEach((name, value) -> addOption(node, forbidden, name, value, argv));
        } else {
            for (Object item : node.asList()) {
                if (item instanceof String flag) {
                    addOption(node, forbidden, flag, true, argv);
                } else if (item instanceof Map<?, ?> pair && pair.size() == 1) {
                    Map.Entry<?, ?> entry = pair.entrySet().iterator().next();
                    addOption(node, forbidden, String.valueOf(entry.getKey()), entry.getValue(), argv);
                } else {
                    throw node.error("expected a flag or a single {option: value} pair, got " + ConfigNode.describe(item));
                }
            }
        }
        return List.copyOf(argv);
    }

    /** {@code true} renders a bare flag and {@code false}/null leave the option out. */
    private static void addOption(ConfigNode node, Set<String> forbidden, String name, Object value, List<String> argv) {
        if (forbidden.contains(name)) {
            throw node.error("option \"" + name + "\" is not allowed (Vigil sets it itself)");
        }
        if (value == null || Boolean.FALSE.equals(value)) {
            return;
        }
        if (value instanceof Map || value instanceof List) {
            throw node.error("option \"" + name + "\" expects a single value, got " + ConfigNode.describe(value));
        }
        argv.add(Boolean.TRUE.equals(value) ? "--" + name : "--" + name + "=" + ConfigNode.scalarText(value));
    }
}
