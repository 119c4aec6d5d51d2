package io.vigil.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The local YAML keys of Patroni (spec 7.4, including the ones Vigil accepts but ignores), used to
 * report keys that are probably typos or features Vigil lacks. Keys are generous on purpose: a
 * Patroni configuration that works should not produce warnings just because Vigil ignores logging
 * or TLS options.
 */
final class KnownKeys {

    private static final List<String> CREDENTIAL_FIELDS = List.of("username", "password", "sslmode", "sslcert",
            "sslkey", "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "gssencmode", "channel_binding", "sslcompression");

    /** Leaves and sections Vigil knows; sections whose content is free-form are listed in OPEN. */
    private static final Set<String> KNOWN = knownKeys();

    /** Sections that accept any key: copied verbatim, or user-defined like tags and parameters. */
    private static final Set<String> OPEN = Set.of("tags", "bootstrap.dcs", "bootstrap.users", "postgresql.parameters",
            "postgresql.recovery_conf", "postgresql.basebackup", "postgresql.bin_name", "log.loggers",
            "log.static_fields", "restapi.http_extra_headers", "restapi.https_extra_headers", "zookeeper.set_acls",
            "zookeeper.auth_data");

    private KnownKeys() {
    }

    private static Set<String> knownKeys() {
        Set<String> known = new HashSet<>();
        add(known, "", "name", "scope", "namespace");
        add(known, "log", "level", "traceback_level", "format", "dateformat", "max_queue_size", "dir", "file_num",
                "file_size", "type", "mode", "deduplicate_heartbeat_logs");
        add(known, "bootstrap", "method", "initdb", "pg_hba", "post_bootstrap", "post_init");
        add(known, "zookeeper", "hosts", "use_ssl", "cacert", "cert", "key", "key_password", "verify");
        add(known, "restapi", "listen", "connect_address", "certfile", "keyfile", "keyfile_password", "cafile", "ciphers",
                "verify_client", "allowlist", "allowlist_include_members", "request_queue_size", "server_tokens");
        add(known, "restapi.authentication", "username", "password");
        add(known, "ctl", "insecure", "cacert", "certfile", "keyfile", "keyfile_password");
        add(known, "ctl.authentication", "username", "password");
        add(known, "citus", "group", "database");
        add(known, "postgresql", "listen", "connect_address", "proxy_address", "data_dir", "config_dir", "bin_dir", "pgpass",
                "database", "config_base_name", "custom_conf", "pg_hba", "pg_ident", "create_replica_methods",
                "create_replica_method", "pg_ctl_timeout", "use_pg_rewind", "remove_data_directory_on_rewind_failure",
                "remove_data_directory_on_diverged_timelines", "use_unix_socket", "use_unix_socket_repl", "krbsrvname",
                "pre_promote", "before_stop", "use_slots", "name");
        add(known, "postgresql.callbacks", "on_start", "on_stop", "on_restart", "on_reload", "on_role_change");
        for (String user : List.of("authentication.superuser", "authentication.replication", "authentication.rewind",
                "superuser", "replication", "pg_rewind")) {
            add(known, "postgresql." + user, CREDENTIAL_FIELDS.toArray(String[]::new));
        }
        add(known, "watchdog", "mode", "device", "safety_margin", "driver");
        add(known, "vigil", "fence", "create_replica_timeout");
        return Set.copyOf(known);
    }

    /** Dotted paths of unknown keys in document order; an unknown section is reported once, not per key. */
    static List<String> unknownIn(Map<String, Object> tree) {
        List<String> unknown = new ArrayList<>();
        walk("", tree, userNamedSections(tree), unknown);
        return unknown;
    }

    private static void walk(String path, Map<String, Object> section, Set<String> userNamed, List<String> unknown) {
        for (Map.Entry<String, Object> entry : section.entrySet()) {
            String keyPath = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
            if (OPEN.contains(keyPath) || userNamed.contains(keyPath)) {
                continue;
            }
            if (!KNOWN.contains(keyPath)) {
                unknown.add(keyPath);
            } else if (entry.getValue() instanceof Map<?, ?> child) {
                walk(keyPath, ConfigMaps.stringKeyed(child), userNamed, unknown);
            }
        }
    }

    /**
     * Sections whose names the user chooses: the custom bootstrap method and the replica creation
     * methods each have a section of their own.
     */
    private static Set<String> userNamedSections(Map<String, Object> tree) {
        Set<String> sections = new HashSet<>();
        if (lookup(tree, "bootstrap", "method") instanceof String method) {
            sections.add("bootstrap." + method);
        }
        for (String key : List.of("create_replica_methods", "create_replica_method")) {
            Object methods = lookup(tree, "postgresql", key);
            Stream<?> names = methods instanceof List<?> list ? list.stream() : Stream.ofNullable(methods);
            names.forEach(name -> sections.add("postgresql." + name));
        }
        return sections;
    }

    /** Wrong types are reported by the typed binding, so a lookup here simply finds nothing. */
    private static Object lookup(Map<String, Object> tree, String section, String key) {
        return tree.get(section) instanceof Map<?, ?> map ? map.get(key) : null;
    }

    private static void add(Set<String> known, String section, String... keys) {
        for (String key : keys) {
            known.add(section.isEmpty() ? key : section + "." + key);
        }
        // every ancestor of a known key is a known section
        for (int end = section.length(); end > 0; end = section.lastIndexOf('.', end - 1)) {
            known.add(section.substring(0, end));
        }
    }
}
