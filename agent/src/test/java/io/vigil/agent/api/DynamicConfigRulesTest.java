package io.vigil.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamicConfigRulesTest {

  @Test
  void acceptsAPatroniConfig() {
    assertThat(DynamicConfigRules.problem(Map.of("ttl", 30L, "loop_wait", 10L, "pause", true,
        "postgresql", Map.of("use_pg_rewind", true, "parameters", Map.of("max_connections", 200L))), Map.of()))
        .isEmpty();
  }

  @Test
  void wrongTypeNamesTheKey() {
    assertThat(DynamicConfigRules.problem(Map.of("ttl", "thirty"), Map.of())).hasValueSatisfying(
        m -> assertThat(m).startsWith("ttl:"));
    assertThat(DynamicConfigRules.problem(Map.of("postgresql", Map.of("use_slots", Map.of())), Map.of()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("postgresql.use_slots:"));
  }

  @Test
  void synchronousSettingsAreCheckedLikeEveryOtherKey() {
    assertThat(DynamicConfigRules.problem(Map.of("synchronous_mode", "quorum", "synchronous_node_count", 2L,
        "synchronous_mode_strict", "on", "maximum_lag_on_syncnode", 1048576L), Map.of())).isEmpty();
    assertThat(DynamicConfigRules.problem(Map.of("synchronous_mode", "always"), Map.of())).hasValueSatisfying(
        m -> assertThat(m).startsWith("synchronous_mode:"));
    assertThat(DynamicConfigRules.problem(Map.of("synchronous_node_count", 0L), Map.of())).hasValueSatisfying(
        m -> assertThat(m).startsWith("synchronous_node_count:"));
    assertThat(DynamicConfigRules.problem(Map.of("maximum_lag_on_syncnode", true), Map.of())).hasValueSatisfying(
        m -> assertThat(m).startsWith("maximum_lag_on_syncnode:"));
  }

  @Test
  void aBadValueAlreadyStoredDoesNotBlockOtherChanges() {
    Map<String, Object> stored = Map.of("ttl", 30L, "synchronous_mode", "sometimes",
        "postgresql", Map.of("parameters", Map.of("pg_stat_statements.max", List.of(1))));
    Map<String, Object> paused = new LinkedHashMap<>(stored);
    paused.put("pause", true);
    assertThat(DynamicConfigRules.problem(paused, stored)).as("both bad values predate the change").isEmpty();

    paused.put("loop_wait", "often");
    assertThat(DynamicConfigRules.problem(paused, stored)).hasValueSatisfying(
        m -> assertThat(m).startsWith("loop_wait:"));
    Map<String, Object> worse = new LinkedHashMap<>(stored);
    worse.put("synchronous_mode", "never");
    assertThat(DynamicConfigRules.problem(worse, stored)).hasValueSatisfying(
        m -> assertThat(m).startsWith("synchronous_mode:"));
    Map<String, Object> fixed = new LinkedHashMap<>(stored);
    fixed.put("synchronous_mode", "on");
    assertThat(DynamicConfigRules.problem(fixed, stored)).isEmpty();
  }

  @Test
  void localKeysAreRefusedWhenAddedOrChanged() {
    assertThat(DynamicConfigRules.problem(Map.of("postgresql", Map.of("data_dir", "/x")), Map.of()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("postgresql.data_dir: can not be set"));
    assertThat(DynamicConfigRules.problem(Map.of("watchdog", Map.of("mode", "off")), Map.of()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("watchdog:"));
    Map<String, Object> old = Map.of("postgresql", Map.of("listen", "0.0.0.0:5432"));
    assertThat(DynamicConfigRules.problem(Map.of("ttl", 20L, "postgresql", Map.of("listen", "0.0.0.0:5432")), old))
        .as("an existing local key does not block other edits").isEmpty();
  }

  @Test
  void aStandbyClusterWithNothingToFollowIsRefusedWithItsKeyPath() {
    assertThat(DynamicConfigRules.problem(Map.of("standby_cluster", Map.of("host", "10.0.0.9", "port", 5433L)),
        Map.of())).isEmpty();
    assertThat(DynamicConfigRules.problem(Map.of("standby_cluster", Map.of("restore_command", "cp /a/%f %p")),
        Map.of())).isEmpty();
    assertThat(DynamicConfigRules.problem(Map.of("standby_cluster", Map.of("port", 5433L)), Map.of()))
        .hasValue("standby_cluster: needs a host (the remote primary to replicate from) or a restore_command");
    assertThat(DynamicConfigRules.problem(Map.of("standby_cluster", Map.of("host", "h", "port", "x")), Map.of()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("standby_cluster.port:"));
    assertThat(DynamicConfigRules.problem(Map.of("standby_cluster", "on"), Map.of()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("standby_cluster: expected a mapping"));
    Map<String, Object> removed = new LinkedHashMap<>();
    removed.put("standby_cluster", null);
    assertThat(DynamicConfigRules.problem(removed, Map.of("standby_cluster", Map.of("host", "h"))))
        .as("removing it promotes the standby cluster").isEmpty();
  }
}
