package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Coverage-guided fuzz targets for the two configuration readers: the YAML loader (what an operator or a
 * deployment tool writes) and the dynamic configuration of the {@code config} znode (what any peer, patronictl or
 * a hand edit can put into ZooKeeper, and every agent applies each cycle). The property is the loader's promise:
 * a typed configuration or a {@link ConfigException} with one line naming the problem; never another exception,
 * which the daemon would report as a crash with a stack trace.
 */
class ConfigFuzzTest {

    /** As the dcs-zookeeper module reads znode JSON: integers as Long, trailing garbage refused. */
    private static final ObjectMapper ZNODE_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @FuzzTest
    void yaml(byte[] data) {
        // PATRONI_CONFIGURATION takes the same path through the YAML reader as a file, without touching the disk.
        Map<String, String> env = Map.of("PATRONI_CONFIGURATION", new String(data, StandardCharsets.UTF_8),
                "HOME", "/home/postgres");
        try {
            VigilConfig config = ConfigLoader.load(null, env);
            assertThat(config.scope()).isNotNull();
            assertThat(config.name()).isNotNull();
        } catch (ConfigException e) {
            assertOneLine(e);
        }
    }

    @FuzzTest
    void dynamicConfig(byte[] data) {
        Object parsed;
        try {
            parsed = ZNODE_JSON.readValue(data, Object.class);
        } catch (IOException e) {
            return; // the znode decoder already turns this into an empty map (ZnodeValuesFuzzTest)
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> config = (Map<String, ?>) map;
        try {
            DynamicConfig dynamic = DynamicConfig.fromMap(config);
            assertThat(dynamic.synchronousNodeCount()).isPositive();
            assertThat(dynamic.parameters()).isUnmodifiable();
            dynamic.validateTiming();
        } catch (ConfigException e) {
            assertOneLine(e);
        }
    }

    private static void assertOneLine(ConfigException e) {
        assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
    }
}
