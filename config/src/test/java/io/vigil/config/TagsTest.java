package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TagsTest {

    @Test
    void memberTagsOmitFalseBuiltInsAndKeepPatronisOrder() {
        Map<String, Object> custom = new LinkedHashMap<>();
        custom.put("rack", "r2");
        custom.put("dc", "west");
        Tags tags = new Tags(Optional.of(true), true, true, true, true, Optional.of("n1"), OptionalInt.of(2), custom);

        assertThat(tags.asMemberTags()).containsExactly(
                Map.entry("nofailover", true),
                Map.entry("clonefrom", true),
                Map.entry("noloadbalance", true),
                Map.entry("nosync", true),
                Map.entry("nostream", true),
                Map.entry("replicatefrom", "n1"),
                Map.entry("failover_priority", 2),
                Map.entry("rack", "r2"),
                Map.entry("dc", "west"));
    }

    @Test
    void onlyTrueBuiltInsAndCustomTagsArePublished() {
        Tags tags = new Tags(Optional.of(false), true, false, false, false, Optional.empty(), OptionalInt.empty(),
                Map.of("dc", "west"));

        assertThat(tags.asMemberTags()).containsExactly(Map.entry("noloadbalance", true), Map.entry("dc", "west"));
    }

    @Test
    void builtInsAreReadFromYamlWithPatroniBooleanSpellings() {
        Tags tags = Tags.from(ConfigNode.root(Map.of("tags", Map.of("nofailover", "yes", "nosync", 1,
                "clonefrom", "off", "replicatefrom", "n3", "zone", "a"))).get("tags"));

        assertThat(tags.nofailover()).contains(true);
        assertThat(tags.nosync()).isTrue();
        assertThat(tags.clonefrom()).isFalse();
        assertThat(tags.noloadbalance()).isFalse();
        assertThat(tags.replicatefrom()).contains("n3");
        assertThat(tags.custom()).containsOnly(Map.entry("zone", "a"));
    }

    @Test
    void failoverPriorityIsAnIntegerPublishedAsSuch() {
        Tags tags = tags(Map.of("failover_priority", "3"));

        assertThat(tags.failoverPriority()).hasValue(3);
        assertThat(tags.custom()).isEmpty();
        assertThat(tags.asMemberTags()).containsExactly(Map.entry("failover_priority", 3));
        assertThat(tags(Map.of()).failoverPriority()).isEmpty();
    }

    @Test
    void nonIntegerFailoverPriorityIsRefusedWithItsKeyPath() {
        assertThatThrownBy(() -> tags(Map.of("failover_priority", "high")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tags.failover_priority: expected an integer, got \"high\"");
        assertThatThrownBy(() -> tags(Map.of("failover_priority", 1.5)))
                .hasMessageStartingWith("tags.failover_priority: expected an integer");
    }

    @Test
    void falseNofailoverIsPublishedBesideAPrioritySoPeersResolveTheConflictAsPatroniDoes() {
        // Patroni 3.2 keeps nofailover in the member tags when failover_priority is set, even when false.
        assertThat(tags(Map.of("nofailover", false, "failover_priority", 0)).asMemberTags())
                .containsExactly(Map.entry("nofailover", false), Map.entry("failover_priority", 0));
        assertThat(tags(Map.of("nofailover", false)).asMemberTags()).isEmpty();
        assertThat(tags(Map.of("nofailover", false)).nofailover()).contains(false);
    }

    @Test
    void nostreamIsAcceptedAndPublishedOnlyWhenTrue() {
        assertThat(tags(Map.of("nostream", "on")).asMemberTags()).containsExactly(Map.entry("nostream", true));
        assertThat(tags(Map.of("nostream", false)).asMemberTags()).isEmpty();
    }

    private static Tags tags(Map<String, Object> section) {
        return Tags.from(ConfigNode.root(Map.of("tags", section)).get("tags"));
    }
}
