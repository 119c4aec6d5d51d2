package io.vigil.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigPatchTest {

  private static Map<String, Object> config() {
    return ConfigPatch.mutableCopy(Map.of("ttl", 30L, "loop_wait", 10L,
        "postgresql", Map.of("use_pg_rewind", true, "parameters", Map.of("max_connections", 100L, "work_mem", "4MB"))));
  }

  @Test
  void mergesNestedObjectsAndReplacesScalars() {
    Map<String, Object> c = config();
    boolean changed = ConfigPatch.apply(c, Map.of("ttl", 20L,
        "postgresql", Map.of("parameters", Map.of("work_mem", "8MB"))));
    assertThat(changed).isTrue();
    assertThat(c.get("ttl")).isEqualTo(20L);
    assertThat(c).extractingByKey("postgresql").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("use_pg_rewind", true)
        .containsEntry("parameters", Map.of("max_connections", 100L, "work_mem", "8MB"));
  }

  @Test
  void nullDeletesAKey() {
    Map<String, Object> c = config();
    c.put("pause", true);
    Map<String, Object> patch = new HashMap<>();
    patch.put("pause", null);
    assertThat(ConfigPatch.apply(c, patch)).isTrue();
    assertThat(c).doesNotContainKey("pause");
    assertThat(ConfigPatch.apply(c, patch)).as("deleting an absent key is no change").isFalse();
  }

  @Test
  void sameTextIsNoChangeAndKeepsTheOldValue() {
    Map<String, Object> c = config();
    assertThat(ConfigPatch.apply(c, Map.of("ttl", "30"))).isFalse();
    assertThat(c.get("ttl")).isEqualTo(30L);
  }

  @Test
  void objectReplacesScalarAndNewObjectsLoseTheirNulls() {
    Map<String, Object> c = config();
    Map<String, Object> slots = new LinkedHashMap<>();
    slots.put("a", Map.of("type", "physical"));
    slots.put("b", null);
    assertThat(ConfigPatch.apply(c, Map.of("slots", slots, "ttl", Map.of("x", 1L)))).isTrue();
    assertThat(c.get("slots")).isEqualTo(Map.of("a", Map.of("type", "physical")));
    assertThat(c.get("ttl")).isEqualTo(Map.of("x", 1L));
  }

  @Test
  void copyIsDeepAndMutable() {
    Map<String, Object> original = Map.of("a", Map.of("b", List.of(1L, Map.of("c", 2L))));
    Map<String, Object> copy = ConfigPatch.mutableCopy(original);
    ConfigPatch.apply(copy, Map.of("a", Map.of("d", 3L)));
    assertThat(original.get("a")).isEqualTo(Map.of("b", List.of(1L, Map.of("c", 2L))));
    assertThat(copy.get("a")).isEqualTo(Map.of("b", List.of(1L, Map.of("c", 2L)), "d", 3L));
  }

  @Test
  void pythonStrOfValues() {
    assertThat(ConfigPatch.pythonStr(true)).isEqualTo("True");
    assertThat(ConfigPatch.pythonStr(1.0)).isEqualTo("1.0");
    assertThat(ConfigPatch.pythonStr(10L)).isEqualTo("10");
    assertThat(ConfigPatch.pythonStr(null)).isEqualTo("None");
  }
}
