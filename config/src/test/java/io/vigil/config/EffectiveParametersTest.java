package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EffectiveParametersTest {

    @Test
    void defaultsApplyWithoutAnyConfiguredParameter() {
        Map<String, String> effective = EffectiveParameters.compute(DynamicConfig.defaults(),
                local("127.0.0.1:5432", Map.of()), "demo");

        assertThat(effective).containsExactly(
                Map.entry("cluster_name", "demo"),
                Map.entry("hot_standby", "on"),
                Map.entry("listen_addresses", "127.0.0.1"),
                Map.entry("max_connections", "100"),
                Map.entry("max_locks_per_transaction", "64"),
                Map.entry("max_prepared_transactions", "0"),
                Map.entry("max_replication_slots", "10"),
                Map.entry("max_wal_senders", "10"),
                Map.entry("max_worker_processes", "8"),
                Map.entry("port", "5432"),
                Map.entry("track_commit_timestamp", "off"),
                Map.entry("wal_keep_size", "128MB"),
                Map.entry("wal_level", "replica"),
                Map.entry("wal_log_hints", "on"));
    }

    @Test
    void restrictedParametersComeOnlyFromTheDynamicConfigurationAndOnlyAboveTheirFloor() {
        DynamicConfig dyn = dynamic(Map.of(
                "max_connections", "10",
                "max_wal_senders", "5",
                "wal_level", "hot_standby",
                "wal_keep_size", "1GB",
                "max_locks_per_transaction", "lots",
                "work_mem", "8MB",
                "shared_buffers", "64MB"));
        PostgresqlConfig local = local("127.0.0.1:5432", Map.of(
                "max_connections", "500",
                "max_wal_senders", "50",
                "shared_buffers", "32MB"));

        Map<String, String> effective = EffectiveParameters.compute(dyn, local, "demo");

        assertThat(effective)
                .containsEntry("max_connections", "100")
                .containsEntry("max_wal_senders", "5")
                .containsEntry("wal_level", "replica")
                .containsEntry("wal_keep_size", "1GB")
                .containsEntry("max_locks_per_transaction", "64")
                .containsEntry("work_mem", "8MB")
                .containsEntry("shared_buffers", "32MB");
    }

    @Test
    void listenAddressesPortAndFixedValuesCannotBeOverridden() {
        DynamicConfig dyn = dynamic(Map.of("port", "1111", "cluster_name", "x", "hot_standby", "off",
                "wal_log_hints", "off", "wal_keep_segments", "64"));
        PostgresqlConfig local = local("*:6432", Map.of("listen_addresses", "10.0.0.1", "port", "2222",
                "wal_keep_segments", "8"));

        Map<String, String> effective = EffectiveParameters.compute(dyn, local, "demo");

        assertThat(effective)
                .containsEntry("listen_addresses", "*")
                .containsEntry("port", "6432")
                .containsEntry("cluster_name", "demo")
                .containsEntry("hot_standby", "on")
                .containsEntry("wal_log_hints", "on")
                .doesNotContainKey("wal_keep_segments");
    }

    @Test
    void parameterNamesAreCaseInsensitiveSoRestrictionsCannotBeBypassed() {
        Map<String, String> effective = EffectiveParameters.compute(DynamicConfig.defaults(),
                local("127.0.0.1:5432", Map.of("Max_Connections", "999", "Work_Mem", "4MB")), "demo");

        assertThat(effective).containsEntry("max_connections", "100").containsEntry("work_mem", "4MB")
                .doesNotContainKeys("Max_Connections", "Work_Mem");
    }

    @Test
    void walKeepSizeBelowSixteenMegabytesFallsBackToTheDefault() {
        for (String tooSmall : List.of("8MB", "8", "1024kB", "none")) {
            assertThat(EffectiveParameters.compute(dynamic(Map.of("wal_keep_size", tooSmall)),
                    local("127.0.0.1:5432", Map.of()), "demo")).as(tooSmall).containsEntry("wal_keep_size", "128MB");
        }
        assertThat(EffectiveParameters.compute(dynamic(Map.of("wal_keep_size", "16")),
                local("127.0.0.1:5432", Map.of()), "demo")).containsEntry("wal_keep_size", "16");
    }

    @Test
    void harnessConfigurationGivesTheExpectedParameters() {
        DynamicConfig dyn = dynamic(Map.of("wal_level", "replica", "hot_standby", "on", "max_connections", 100,
                "max_wal_senders", 10, "max_replication_slots", 10, "wal_keep_size", "128MB", "wal_log_hints", "on"));

        Map<String, String> effective = EffectiveParameters.compute(dyn,
                local("127.0.0.1:15432", Map.of("shared_buffers", "32MB")), "demo");

        assertThat(effective).containsEntry("shared_buffers", "32MB").containsEntry("port", "15432")
                .containsEntry("max_connections", "100").containsEntry("wal_level", "replica");
        assertThat(List.copyOf(effective.keySet())).isSorted();
    }

    @Test
    void restrictedNamesAreTheCommandLineParameters() {
        assertThat(EffectiveParameters.restricted()).containsExactlyInAnyOrder("listen_addresses", "port",
                "cluster_name", "hot_standby", "wal_log_hints", "wal_level", "max_connections", "max_wal_senders",
                "max_prepared_transactions", "max_locks_per_transaction", "track_commit_timestamp",
                "max_replication_slots", "max_worker_processes");
    }

    private static DynamicConfig dynamic(Map<String, Object> parameters) {
        return DynamicConfig.fromMap(Map.of("postgresql", Map.of("parameters", parameters)));
    }

    private static PostgresqlConfig local(String listen, Map<String, String> parameters) {
        HostPort address = HostPort.parse("postgresql.listen", listen);
        return new PostgresqlConfig(address, address, Path.of("/data"), Optional.empty(), Optional.empty(),
                Path.of("/home/pgpass"), "postgres", new Credentials("postgres", ""),
                new Credentials("replicator", ""), Optional.empty(), parameters, List.of(), List.of(), false, false,
                false, 60, Map.of(), Optional.empty(), Optional.empty(), Map.of(), List.of(),
                Optional.empty(), Optional.empty(),
                new ReplicaCreation(List.of(), List.of(), java.time.Duration.ofHours(1)), Map.of());
    }
}
