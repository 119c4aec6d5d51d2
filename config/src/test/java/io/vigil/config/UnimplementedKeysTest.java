package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnimplementedKeysTest {

    @Test
    void namesWhatVigilDoesInsteadOfEachOutOfScopeSetting() {
        Map<String, Object> raw = Map.of(
                "citus", Map.of("group", 0, "database", "citus"),
                "log", Map.of("level", "INFO", "format", "%(message)s"),
                "postgresql", Map.of("use_unix_socket", true, "use_unix_socket_repl", false,
                        "pre_promote", "/usr/local/bin/fence.sh"),
                "watchdog", Map.of("mode", "required"),
                "tags", Map.of("nostream", true, "failover_priority", 2));
        assertThat(UnimplementedKeys.in(raw)).containsExactly(
                Map.entry("citus", "the node runs as a plain PostgreSQL cluster member; Citus workers are not registered"),
                Map.entry("log.format", "Python logging settings; Vigil writes its own log format (set log.level, log.dir)"),
                Map.entry("postgresql.use_unix_socket", "the agent connects over TCP to the first postgresql.listen address"));
    }

    @Test
    void saysNothingWhereVigilDoesWhatPatroniWould() {
        Map<String, Object> raw = Map.of(
                "bootstrap", Map.of("method", "pgbackrest", "pgbackrest", Map.of("command", "/bin/restore"),
                        "post_init", "/bin/post.sh"),
                "postgresql", Map.of("create_replica_methods", List.of("pgbackrest", "basebackup"), "use_pg_rewind", true,
                        "before_stop", "/usr/local/bin/drain.sh", "custom_conf", "/etc/postgresql/custom.conf"),
                "zookeeper", Map.of("use_ssl", true, "cacert", "/etc/patroni/zk-ca.pem", "cert", "/etc/patroni/zk.pem",
                        "key", "/etc/patroni/zk.key", "key_password", "secret", "verify", false,
                        "set_acls", Map.of("CN=patroni", List.of("ALL"))),
                "restapi", Map.of("listen", "127.0.0.1:8008", "certfile", "/etc/patroni/rest.pem",
                        "verify_client", "required", "allowlist", List.of("10.0.0.0/8"), "allowlist_include_members", true),
                "watchdog", Map.of("mode", false), // YAML's unquoted off
                "tags", Map.of("nostream", true));
        assertThat(UnimplementedKeys.in(raw)).isEmpty();
        assertThat(UnimplementedKeys.in(Map.of())).isEmpty();
    }
}
