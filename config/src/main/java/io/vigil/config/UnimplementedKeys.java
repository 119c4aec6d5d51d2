package io.vigil.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
        c.put("bootstrap.method", "a new cluster is created with initdb");
        c.put("bootstrap.post_bootstrap", "the script is not run after the bootstrap");
        c.put("bootstrap.post_init", "the script is not run after the bootstrap");
        c.put("postgresql.create_replica_methods", "replicas are cloned with pg_basebackup");
        c.put("postgresql.create_replica_method", "replicas are cloned with pg_basebackup");
        // Out of scope (docs/compatibility.md): each has a reason there.
        c.put("citus", "the node runs as a plain PostgreSQL cluster member; Citus workers are not registered");
        for (String python : List.of("format", "dateformat", "traceback_level", "max_queue_size", "loggers", "type",
                "static_fields", "deduplicate_heartbeat_logs")) {
            c.put("log." + python, "Python logging settings; Vigil writes its own log format (set log.level, log.dir)");
        }
        c.put("postgresql.use_unix_socket", "the agent connects over TCP to the first postgresql.listen address");
        c.put("postgresql.use_unix_socket_repl", "replication connections use TCP to the member's connect_address");
        c.put("zookeeper.auth_data", "no digest/SASL authentication to ZooKeeper (Patroni >= 3.3); use TLS client"
                + " certificates (zookeeper.cert, set_acls)");
        return Collections.unmodifiableMap(c); // in this order in the log
    }

    /** Each key of {@code raw} (the configuration as read) that Vigil does not implement, with its consequence. */
    public static Map<String, String> in(Map<String, Object> raw) {
        Map<String, String> found = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : CONSEQUENCES.entrySet()) {
            if (set(raw, e.getKey()) && !defaultReplicaMethod(raw, e.getKey())) {
                found.put(e.getKey(), e.getValue());
            }
        }
        return found;
    }

    /** {@code create_replica_methods: [basebackup]} asks for exactly what Vigil does. */
    private static boolean defaultReplicaMethod(Map<String, Object> raw, String key) {
        if (!key.startsWith("postgresql.create_replica_method")) {
            return false;
        }
        Object methods = lookup(raw, key);
        return List.of("basebackup").equals(methods instanceof List<?> l ? l : List.of(String.valueOf(methods)));
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
