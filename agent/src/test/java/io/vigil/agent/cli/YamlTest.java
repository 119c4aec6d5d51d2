package io.vigil.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlTest {

  @Test
  void dumpsLikePyYamlSafeDump() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("ttl", 30L);
    config.put("postgresql", Map.of("parameters", Map.of("hot_standby", "on", "wal_keep_size", "128MB"),
        "use_pg_rewind", true));
    config.put("loop_wait", 10L);
    config.put("pg_hba", List.of("local all all trust", "host all all 0.0.0.0/0 md5"));
    assertThat(Yaml.dump(config)).isEqualTo("""
        loop_wait: 10
        pg_hba:
        - local all all trust
        - host all all 0.0.0.0/0 md5
        postgresql:
          parameters:
            hot_standby: 'on'
            wal_keep_size: 128MB
          use_pg_rewind: true
        ttl: 30
        """);
    assertThat(Yaml.dumpFlow(Map.of("nofailover", true))).isEqualTo("{nofailover: true}");
  }

  @Test
  void loadsYaml11ScalarsAndLongs() {
    assertThat(Yaml.load("on")).isEqualTo(true);
    assertThat(Yaml.load("'on'")).isEqualTo("on");
    assertThat(Yaml.load("10")).isEqualTo(10L);
    assertThat(Yaml.load("null")).isNull();
    assertThat(Yaml.load("a: {b: 1}")).isEqualTo(Map.of("a", Map.of("b", 1L)));
    assertThatThrownBy(() -> Yaml.load("a: [1")).isInstanceOf(CtlException.class).hasMessageStartingWith("invalid YAML");
  }

  @Test
  void roundTripKeepsTheData() {
    Map<String, Object> config = Map.of("a", "on", "b", "yes", "c", "10", "d", 1.5, "e", List.of(), "f", "");
    assertThat(Yaml.load(Yaml.dump(config))).isEqualTo(config);
  }
}
