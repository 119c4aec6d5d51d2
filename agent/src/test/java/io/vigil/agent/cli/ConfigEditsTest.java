package io.vigil.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigEditsTest {

  private static final Map<String, Object> CONFIG = Map.of("ttl", 30L,
      "postgresql", Map.of("parameters", Map.of("max_connections", 100L)));

  @Test
  void dottedPathsAndYamlValues() {
    Map<String, Object> c = ConfigEdits.set(CONFIG, List.of("ttl=20", "synchronous_mode=on",
        "postgresql.parameters.auto_explain.log_min_duration=1s", "postgresql.use_slots=false"));
    assertThat(c).containsEntry("ttl", 20L).containsEntry("synchronous_mode", true);
    assertThat(c.get("postgresql")).isEqualTo(Map.of("use_slots", false, "parameters",
        Map.of("max_connections", 100L, "auto_explain.log_min_duration", "1s")));
    assertThat(CONFIG.get("ttl")).as("input untouched").isEqualTo(30L);
  }

  @Test
  void nullRemovesAndEmptyParentsGo() {
    Map<String, Object> c = ConfigEdits.set(CONFIG, List.of("postgresql.parameters.max_connections=null"));
    assertThat(c).doesNotContainKey("postgresql");
  }

  @Test
  void invalidSetting() {
    assertThatThrownBy(() -> ConfigEdits.set(CONFIG, List.of("ttl"))).hasMessage("Invalid parameter setting ttl");
  }

  @Test
  void applyMergesAYamlDocument() {
    Map<String, Object> c = ConfigEdits.apply(CONFIG, "loop_wait: 5\npostgresql:\n  parameters:\n    work_mem: 8MB\n");
    assertThat(c).containsEntry("loop_wait", 5L);
    assertThat(c.get("postgresql")).isEqualTo(Map.of("parameters", Map.of("max_connections", 100L, "work_mem", "8MB")));
    assertThatThrownBy(() -> ConfigEdits.apply(CONFIG, "- a")).isInstanceOf(CtlException.class);
  }
}
