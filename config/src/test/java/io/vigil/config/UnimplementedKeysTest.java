package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnimplementedKeysTest {

    @Test
    void namesWhatVigilDoesInsteadOfEachPatroniFeatureItLacks() {
        Map<String, Object> raw = Map.of(
                "bootstrap", Map.of("method", "pgbackrest", "post_init", ""),
                "postgresql", Map.of("create_replica_methods", List.of("pgbackrest", "basebackup"),
                        "pre_promote", "/usr/local/bin/fence.sh"),
                "watchdog", Map.of("mode", "required"),
                "tags", Map.of("nostream", true, "failover_priority", 2));
        assertThat(UnimplementedKeys.in(raw)).containsExactly(
                Map.entry("bootstrap.method", "a new cluster is created with initdb"),
                Map.entry("postgresql.create_replica_methods", "replicas are cloned with pg_basebackup"));
    }

    @Test
    void saysNothingWhereVigilDoesWhatPatroniWould() {
        Map<String, Object> raw = Map.of(
                "postgresql", Map.of("create_replica_methods", List.of("basebackup"), "use_pg_rewind", true,
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
