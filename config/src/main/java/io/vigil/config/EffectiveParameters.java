package io.vigil.config;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL parameters Vigil runs with (spec 7.3): defaults, overridden by the dynamic
 * configuration, overridden by the local YAML, except for the restricted parameters. Those must be
 * equal on every member (a replica cannot run with fewer connections or WAL senders than its
 * primary), so they come only from the shared dynamic configuration, and only when above a safe floor.
 */
public final class EffectiveParameters {

    /** Restricted parameters that the dynamic configuration may set, with what it must satisfy. */
    private static final Map<String, Predicate<String>> DYNAMIC_ONLY = Map.ofEntries(
            Map.entry("wal_level", value -> Set.of("hot_standby", "replica", "logical").contains(lower(value))),
            Map.entry("max_connections", atLeast(25)),
            Map.entry("max_wal_senders", atLeast(3)),
            Map.entry("max_prepared_transactions", atLeast(0)),
            Map.entry("max_locks_per_transaction", atLeast(32)),
            Map.entry("track_commit_timestamp", value -> ConfigNode.parseBoolean(value).isPresent()),
            Map.entry("max_replication_slots", atLeast(4)),
            Map.entry("max_worker_processes", atLeast(2)),
            Map.entry("wal_keep_size", value -> megabytes(value) >= 16));

    /** Set by Vigil itself; neither configuration can change them. */
    private static final Set<String> FIXED = Set.of("listen_addresses", "port", "cluster_name", "hot_standby",
            "wal_log_hints");

    /** Replaced by wal_keep_size in PostgreSQL 13; PostgreSQL 15 refuses to start with it. */
    private static final String OBSOLETE = "wal_keep_segments";

    private static final Map<String, String> DEFAULTS = Map.of(
            "wal_level", "replica",
            "max_connections", "100",
            "max_wal_senders", "10",
            "max_prepared_transactions", "0",
            "max_locks_per_transaction", "64",
            "track_commit_timestamp", "off",
            "max_replication_slots", "10",
            "max_worker_processes", "8",
            "wal_keep_size", "128MB");

    /** wal_keep_size is dynamic-only too, but PostgreSQL reads it from postgresql.conf like Patroni writes it. */
    private static final Set<String> COMMAND_LINE = commandLine();

    private static final Pattern MEMORY = Pattern.compile("\\s*(\\d{1,15})\\s*(kB|MB|GB|TB)?\\s*");

    private EffectiveParameters() {
    }

    /**
     * The parameters to write to postgresql.conf and pass on the command line, sorted by name.
     * Names are lower-cased because GUC names are case-insensitive and the restricted ones must be
     * recognised however they are spelled.
     */
    public static Map<String, String> compute(DynamicConfig dyn, PostgresqlConfig local, String scope) {
        SortedMap<String, String> result = new TreeMap<>(DEFAULTS);
        dyn.parameters().forEach((name, value) -> {
            String key = lower(name);
            if (DYNAMIC_ONLY.containsKey(key)) {
                if (DYNAMIC_ONLY.get(key).test(value)) {
                    result.put(key, key.equals("wal_level") ? walLevel(value) : value);
                }
            } else if (!FIXED.contains(key) && !key.equals(OBSOLETE)) {
                result.put(key, value);
            }
        });
        local.parameters().forEach((name, value) -> {
            String key = lower(name);
            if (!DYNAMIC_ONLY.containsKey(key) && !FIXED.contains(key) && !key.equals(OBSOLETE)) {
                result.put(key, value);
            }
        });
        result.put("listen_addresses", local.listen().host());
        result.put("port", Integer.toString(local.listen().port()));
        result.put("cluster_name", scope);
        result.put("hot_standby", "on");
        result.put("wal_log_hints", "on");
        return Collections.unmodifiableSortedMap(result);
    }

    /**
     * The parameters passed as {@code --name=value} on the postgres command line, so that they
     * override anything in postgresql.conf (including an {@code ALTER SYSTEM}).
     */
    public static Set<String> restricted() {
        return COMMAND_LINE;
    }

    private static Set<String> commandLine() {
        Set<String> names = new TreeSet<>(FIXED);
        names.addAll(DYNAMIC_ONLY.keySet());
        names.remove("wal_keep_size");
        return Collections.unmodifiableSet(names);
    }

    /** "hot_standby" is the pre-9.6 name of "replica". */
    private static String walLevel(String value) {
        String level = lower(value);
        return level.equals("hot_standby") ? "replica" : level;
    }

    private static Predicate<String> atLeast(long minimum) {
        return value -> ConfigNode.parseInteger(value).orElse(Long.MIN_VALUE) >= minimum;
    }

    /** A memory size in MB; a bare number is in MB, wal_keep_size's unit. Unparseable sizes are -1. */
    private static long megabytes(String value) {
        Matcher m = MEMORY.matcher(value);
        if (!m.matches()) {
            return -1;
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "MB" : m.group(2);
        return switch (unit) {
            case "kB" -> amount / 1024;
            case "GB" -> amount * 1024;
            case "TB" -> amount * 1024 * 1024;
            default -> amount;
        };
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
