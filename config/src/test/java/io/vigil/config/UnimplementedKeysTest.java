package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnimplementedKeysTest {

    @Test
    void namesWhatVigilDoesInsteadOfEachPatroniFeatureItLacks() {
        Map<String, Object> raw = Map.of(
                "bootstrap", Map.of("method", "pgbackrest"),
                "postgresql", Map.of("create_replica_methods", List.of("pgbackrest", "basebackup"),
                        "pre_promote", "/usr/local/bin/fence.sh", "before_stop", ""),
                "watchdog", Map.of("mode", "required"),
                "tags", Map.of("nostream", true, "failover_priority", 2));
        assertThat(UnimplementedKeys.in(raw)).containsExactly(
                Map.entry("tags.nostream", "the replica still streams from its upstream (the tag is only published)"));
    }

    @Test
    void saysNothingWhereVigilDoesWhatPatroniWould() {
        Map<String, Object> raw = Map.of(
                "postgresql", Map.of("create_replica_methods", List.of("pgbackrest", "basebackup"),
                        "pgbackrest", Map.of("command", "/usr/bin/pgbackrest restore"), "use_pg_rewind", true),
                "zookeeper", Map.of("use_ssl", true, "cacert", "/etc/patroni/zk-ca.pem", "cert", "/etc/patroni/zk.pem",
                        "key", "/etc/patroni/zk.key", "key_password", "secret", "verify", false,
                        "set_acls", Map.of("CN=patroni", List.of("ALL"))),
                "restapi", Map.of("listen", "127.0.0.1:8008", "certfile", "/etc/patroni/rest.pem",
                        "verify_client", "required", "allowlist", List.of("10.0.0.0/8"), "allowlist_include_members", true),
                "watchdog", Map.of("mode", false), // YAML's unquoted off
                "tags", Map.of("nostream", false));
        assertThat(UnimplementedKeys.in(raw)).isEmpty();
        assertThat(UnimplementedKeys.in(Map.of())).isEmpty();
    }
}
