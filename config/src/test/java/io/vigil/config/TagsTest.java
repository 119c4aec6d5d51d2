package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TagsTest {

    @Test
    void memberTagsOmitFalseBuiltInsAndKeepPatronisOrder() {
        Map<String, Object> custom = new LinkedHashMap<>();
        custom.put("rack", "r2");
        custom.put("failover_priority", 1);
        Tags tags = new Tags(true, true, true, true, Optional.of("n1"), custom);

        assertThat(tags.asMemberTags()).containsExactly(
                Map.entry("nofailover", true),
                Map.entry("clonefrom", true),
                Map.entry("noloadbalance", true),
                Map.entry("nosync", true),
                Map.entry("replicatefrom", "n1"),
                Map.entry("rack", "r2"),
                Map.entry("failover_priority", 1));
    }

    @Test
    void onlyTrueBuiltInsAndCustomTagsArePublished() {
        Tags tags = new Tags(false, true, false, false, Optional.empty(), Map.of("dc", "west"));

        assertThat(tags.asMemberTags()).containsExactly(Map.entry("noloadbalance", true), Map.entry("dc", "west"));
    }

    @Test
    void builtInsAreReadFromYamlWithPatroniBooleanSpellings() {
        Tags tags = Tags.from(ConfigNode.root(Map.of("tags", Map.of("nofailover", "yes", "nosync", 1,
                "clonefrom", "off", "replicatefrom", "n3", "zone", "a"))).get("tags"));

        assertThat(tags.nofailover()).isTrue();
        assertThat(tags.nosync()).isTrue();
        assertThat(tags.clonefrom()).isFalse();
        assertThat(tags.noloadbalance()).isFalse();
        assertThat(tags.replicatefrom()).contains("n3");
        assertThat(tags.custom()).containsOnly(Map.entry("zone", "a"));
    }
}
