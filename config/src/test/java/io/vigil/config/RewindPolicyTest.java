package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RewindPolicyTest {

    private static final String BASE = """
            scope: demo
            name: n1
            restapi: {listen: '127.0.0.1:8008'}
            zookeeper: {hosts: ['zk1:2181']}
            postgresql:
              listen: 127.0.0.1:5432
              data_dir: /data/pg
              authentication: {replication: {username: replicator}}
            """;

    private static final DynamicConfig ALL_ON = DynamicConfig.fromMap(Map.of("postgresql", Map.of(
            "use_pg_rewind", true,
            "remove_data_directory_on_rewind_failure", true,
            "remove_data_directory_on_diverged_timelines", true)));

    @Test
    void dynamicValuesApplyWhenTheYamlDoesNotSetThem() {
        VigilConfig local = ConfigLoader.load(null, Map.of("PATRONI_CONFIGURATION", BASE));

        assertThat(RewindPolicy.of(local, ALL_ON)).isEqualTo(new RewindPolicy(true, true, true));
        assertThat(RewindPolicy.of(local, DynamicConfig.defaults())).isEqualTo(new RewindPolicy(false, false, false));
    }

    @Test
    void localValuesWinWhenWrittenEvenIfFalse() {
        String yaml = BASE + "  use_pg_rewind: false\n  remove_data_directory_on_diverged_timelines: no\n";
        VigilConfig local = ConfigLoader.load(null, Map.of("PATRONI_CONFIGURATION", yaml));

        assertThat(RewindPolicy.of(local, ALL_ON)).isEqualTo(new RewindPolicy(false, true, false));
    }
}
