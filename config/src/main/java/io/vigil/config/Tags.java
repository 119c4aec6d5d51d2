package io.vigil.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code tags} section: the built-in tags Vigil acts on, plus custom tags that are only published.
 *
 * @param custom every tag other than the five built-in ones, in configured order
 */
public record Tags(boolean nofailover, boolean noloadbalance, boolean clonefrom, boolean nosync,
                   Optional<String> replicatefrom, Map<String, Object> custom) {

    private static final Set<String> BUILT_IN = Set.of("nofailover", "noloadbalance", "clonefrom", "nosync",
            "replicatefrom");

    public Tags {
        Objects.requireNonNull(replicatefrom, "replicatefrom");
        custom = ConfigMaps.immutableCopy(custom);
    }

    /**
     * The {@code tags} object of the member znode (spec 1.3): built-in boolean tags only when true,
     * in Patroni's order, then the custom tags. Empty means the member JSON has no {@code tags} field.
     */
    public Map<String, Object> asMemberTags() {
        Map<String, Object> tags = new LinkedHashMap<>();
        if (nofailover) {
            tags.put("nofailover", true);
        }
        if (clonefrom) {
            tags.put("clonefrom", true);
        }
        if (noloadbalance) {
            tags.put("noloadbalance", true);
        }
        if (nosync) {
            tags.put("nosync", true);
        }
        replicatefrom.ifPresent(member -> tags.put("replicatefrom", member));
        tags.putAll(custom);
        return Collections.unmodifiableMap(tags);
    }

    static Tags from(ConfigNode tags) {
        Map<String, Object> custom = new LinkedHashMap<>(tags.asMap());
        custom.keySet().removeAll(BUILT_IN);
        return new Tags(
                tags.get("nofailover").bool(false),
                tags.get("noloadbalance").bool(false),
                tags.get("clonefrom").bool(false),
                tags.get("nosync").bool(false),
                tags.get("replicatefrom").optionalString(),
                custom);
    }
}
