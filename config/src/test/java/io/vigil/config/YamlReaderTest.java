package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class YamlReaderTest {

    @Test
    void aRepeatedKeyIsReadLikePatroniButNamed() {
        String yaml = """
                postgresql:
                  parameters:
                    work_mem: 7MB
                  listen: 127.0.0.1:5432
                  parameters:
                    shared_buffers: 32MB
                """;
        assertThat(YamlReader.parseDocument("patroni.yml", yaml))
                .isEqualTo(java.util.Map.of("postgresql", java.util.Map.of("parameters",
                        java.util.Map.of("shared_buffers", "32MB"), "listen", "127.0.0.1:5432")));
        assertThat(YamlReader.duplicateKey("patroni.yml", yaml)).hasValueSatisfying(w -> assertThat(w)
                .startsWith("patroni.yml line 5: the key 'parameters' appears twice in the same mapping"));
        assertThat(YamlReader.duplicateKey("patroni.yml", "a:\n  x: 1\nb:\n  x: 2\n")).isEmpty();
    }
}
