package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamicConfigTest {

    @Test
    void defaultsArePatronis() {
        DynamicConfig dyn = DynamicConfig.defaults();

        assertThat(dyn.ttl()).isEqualTo(30);
        assertThat(dyn.loopWait()).isEqualTo(10);
        assertThat(dyn.retryTimeout()).isEqualTo(10);
        assertThat(dyn.maximumLagOnFailover()).isEqualTo(1048576L);
        assertThat(dyn.primaryStartTimeout()).isEqualTo(300);
        assertThat(dyn.checkTimeline()).isFalse();
        assertThat(dyn.pause()).isFalse();
        assertThat(dyn.usePgRewind()).isFalse();
        assertThat(dyn.useSlots()).isTrue();
        assertThat(dyn.removeDataDirectoryOnRewindFailure()).isFalse();
        assertThat(dyn.removeDataDirectoryOnDivergedTimelines()).isFalse();
        assertThat(dyn.synchronousMode()).isEqualTo(SyncMode.OFF);
        assertThat(dyn.synchronousModeStrict()).isFalse();
        assertThat(dyn.synchronousNodeCount()).isEqualTo(1);
        assertThat(dyn.maximumLagOnSyncnode()).isEqualTo(-1L);
        assertThat(dyn.parameters()).isEmpty();
        assertThat(dyn.raw()).isEmpty();
        assertThat(dyn.validateTiming()).isEmpty();
        assertThat(DynamicConfig.fromMap(null)).isEqualTo(dyn);
    }

    @Test
    void readsTypedValuesAndAcceptsNumericStringsAsPatroniDoes() {
        Map<String, Object> json = Map.of(
                "ttl", "20",
                "loop_wait", 5,
                "retry_timeout", 5.0,
                "maximum_lag_on_failover", 5_000_000_000L,
                "check_timeline", "on",
                "pause", true,
                "postgresql", Map.of(
                        "use_pg_rewind", true,
                        "use_slots", "false",
                        "remove_data_directory_on_rewind_failure", "yes",
                        "parameters", Map.of("max_connections", 200, "hot_standby", "on", "archive_mode", false)));

        DynamicConfig dyn = DynamicConfig.fromMap(json);

        assertThat(dyn.ttl()).isEqualTo(20);
        assertThat(dyn.loopWait()).isEqualTo(5);
        assertThat(dyn.retryTimeout()).isEqualTo(5);
        assertThat(dyn.maximumLagOnFailover()).isEqualTo(5_000_000_000L);
        assertThat(dyn.checkTimeline()).isTrue();
        assertThat(dyn.pause()).isTrue();
        assertThat(dyn.usePgRewind()).isTrue();
        assertThat(dyn.useSlots()).isFalse();
        assertThat(dyn.removeDataDirectoryOnRewindFailure()).isTrue();
        assertThat(dyn.parameters()).containsOnly(
                Map.entry("max_connections", "200"), Map.entry("hot_standby", "on"), Map.entry("archive_mode", "off"));
    }

    @Test
    void masterStartTimeoutIsAnAliasUnlessPrimaryStartTimeoutIsSet() {
        assertThat(DynamicConfig.fromMap(Map.of("master_start_timeout", 0)).primaryStartTimeout()).isZero();
        assertThat(DynamicConfig.fromMap(Map.of("master_start_timeout", 0, "primary_start_timeout", 60))
                .primaryStartTimeout()).isEqualTo(60);
    }

    @Test
    void rawKeepsEveryKeyInOrderIncludingUnmodelledOnesAndNulls() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ttl", 30);
        json.put("synchronous_mode", true);
        json.put("slots", Map.of("keep_me", Map.of("type", "physical")));
        json.put("ignore_slots", List.of(Map.of("name", "x")));
        json.put("pause", null);

        DynamicConfig dyn = DynamicConfig.fromMap(json);

        assertThat(dyn.raw()).containsExactlyEntriesOf(json);
        assertThat(dyn.pause()).isFalse();
        json.put("ttl", 99);
        assertThat(dyn.raw()).containsEntry("ttl", 30);
        assertThatThrownBy(() -> dyn.raw().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void wrongTypesAreRejectedNamingTheKey() {
        assertError(Map.of("ttl", "30s"), "ttl", "ttl: expected an integer, got \"30s\"");
        assertError(Map.of("loop_wait", 2.5), "loop_wait", "loop_wait: expected an integer, got 2.5");
        assertError(Map.of("synchronous_node_count", "two"), "synchronous_node_count",
                "synchronous_node_count: expected an integer, got \"two\"");
        assertError(Map.of("check_timeline", List.of()), "check_timeline", "check_timeline: expected a boolean, got a list");
        assertError(Map.of("postgresql", "fast"), "postgresql", "postgresql: expected a mapping, got \"fast\"");
        assertError(Map.of("postgresql", Map.of("parameters", Map.of("work_mem", List.of("4MB")))),
                "postgresql.parameters.work_mem", "postgresql.parameters.work_mem: expected a single value, got a list");
    }

    @Test
    void synchronousModeAcceptsPatronisBooleansAndQuorum() {
        for (Object on : List.of(true, "on", "ON", "true", "True", "yes", "1", 1, " on ")) {
            assertThat(DynamicConfig.fromMap(Map.of("synchronous_mode", on)).synchronousMode()).as("%s", on)
                    .isEqualTo(SyncMode.ON);
        }
        for (Object off : List.of(false, "off", "false", "FALSE", "no", "0", 0)) {
            assertThat(DynamicConfig.fromMap(Map.of("synchronous_mode", off)).synchronousMode()).as("%s", off)
                    .isEqualTo(SyncMode.OFF);
        }
        for (Object quorum : List.of("quorum", "Quorum", "QUORUM")) {
            assertThat(DynamicConfig.fromMap(Map.of("synchronous_mode", quorum)).synchronousMode()).as("%s", quorum)
                    .isEqualTo(SyncMode.QUORUM);
        }
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("synchronous_mode", null);
        assertThat(DynamicConfig.fromMap(withNull).synchronousMode()).isEqualTo(SyncMode.OFF);
        assertThat(SyncMode.ON.enabled()).isTrue();
        assertThat(SyncMode.QUORUM.enabled()).isTrue();
        assertThat(SyncMode.OFF.enabled()).isFalse();
    }

    @Test
    void synchronousSettingsAreRead() {
        DynamicConfig dyn = DynamicConfig.fromMap(Map.of("synchronous_mode", "on", "synchronous_mode_strict", "yes",
                "synchronous_node_count", "2", "maximum_lag_on_syncnode", 5_000_000_000L));

        assertThat(dyn.synchronousMode()).isEqualTo(SyncMode.ON);
        assertThat(dyn.synchronousModeStrict()).isTrue();
        assertThat(dyn.synchronousNodeCount()).isEqualTo(2);
        assertThat(dyn.maximumLagOnSyncnode()).isEqualTo(5_000_000_000L);
        assertThat(DynamicConfig.fromMap(Map.of("synchronous_node_count", 3.0)).synchronousNodeCount()).isEqualTo(3);
    }

    @Test
    void badSynchronousSettingsNameTheKey() {
        assertError(Map.of("synchronous_mode", "maybe"), "synchronous_mode",
                "synchronous_mode: expected on, off (or another boolean) or quorum, got \"maybe\"");
        assertError(Map.of("synchronous_mode", 2), "synchronous_mode",
                "synchronous_mode: expected on, off (or another boolean) or quorum, got 2");
        assertError(Map.of("synchronous_mode", List.of("on")), "synchronous_mode",
                "synchronous_mode: expected on, off (or another boolean) or quorum, got a list");
        assertError(Map.of("synchronous_mode_strict", "strict"), "synchronous_mode_strict",
                "synchronous_mode_strict: expected a boolean, got \"strict\"");
        assertError(Map.of("synchronous_node_count", 0), "synchronous_node_count",
                "synchronous_node_count: must be at least 1, got 0");
        assertError(Map.of("synchronous_node_count", -2), "synchronous_node_count",
                "synchronous_node_count: must be at least 1, got -2");
        assertError(Map.of("synchronous_node_count", 1.5), "synchronous_node_count",
                "synchronous_node_count: expected an integer, got 1.5");
        assertError(Map.of("synchronous_node_count", true), "synchronous_node_count",
                "synchronous_node_count: expected an integer, got true");
        assertError(Map.of("maximum_lag_on_syncnode", "1MB"), "maximum_lag_on_syncnode",
                "maximum_lag_on_syncnode: expected an integer, got \"1MB\"");
        assertError(Map.of("maximum_lag_on_syncnode", Map.of()), "maximum_lag_on_syncnode",
                "maximum_lag_on_syncnode: expected an integer, got a mapping");
    }

    @Test
    void lenientSyncModeReadsGarbageAsOff() {
        assertThat(SyncMode.lenient("maybe")).isEqualTo(SyncMode.OFF);
        assertThat(SyncMode.lenient(null)).isEqualTo(SyncMode.OFF);
        assertThat(SyncMode.lenient("Quorum")).isEqualTo(SyncMode.QUORUM);
        assertThat(SyncMode.lenient("on")).isEqualTo(SyncMode.ON);
    }

    @Test
    void timingWarningWhenACycleCanOutliveTheLeaderLock() {
        DynamicConfig tight = DynamicConfig.fromMap(Map.of("ttl", 20, "loop_wait", 10, "retry_timeout", 10));

        assertThat(tight.validateTiming()).hasValueSatisfying(warning -> assertThat(warning)
                .contains("loop_wait (10) + 2 * retry_timeout (10) = 30 exceeds ttl (20)"));
        assertThat(DynamicConfig.fromMap(Map.of("ttl", 10, "loop_wait", 2, "retry_timeout", 3)).validateTiming())
                .isEmpty();
    }

    private static void assertError(Map<String, ?> json, String keyPath, String message) {
        assertThatThrownBy(() -> DynamicConfig.fromMap(json))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message)
                .extracting(e -> ((ConfigException) e).keyPath()).isEqualTo(keyPath);
    }
}
