package io.vigil.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The {@code tags} section: the built-in tags Vigil acts on, plus custom tags that are only published.
 *
 * @param nofailover       as configured; empty when absent, which matters beside {@code failover_priority}
 *                         (Patroni 3.2: a present {@code nofailover} decides, an absent one defers to the priority)
 * @param nostream         Patroni 3.3's tag: the replica does not stream, it replays WAL from restore_command only
 * @param failoverPriority Patroni 3.2's leader race tie-break; empty when absent (peers then assume 1)
 * @param custom           every tag other than the built-in ones, in configured order
 */
public record Tags(Optional<Boolean> nofailover, boolean noloadbalance, boolean clonefrom, boolean nosync,
                   boolean nostream, Optional<String> replicatefrom, OptionalInt failoverPriority,
                   Map<String, Object> custom) {

    private static final Set<String> BUILT_IN = Set.of("nofailover", "noloadbalance", "clonefrom", "nosync",
            "nostream", "replicatefrom", "failover_priority");

    public Tags {
        Objects.requireNonNull(nofailover, "nofailover");
        Objects.requireNonNull(replicatefrom, "replicatefrom");
        Objects.requireNonNull(failoverPriority, "failoverPriority");
        custom = ConfigMaps.immutableCopy(custom);
    }

    /**
     * The {@code tags} object of the member znode (spec 1.3): built-in boolean tags only when true, except that
     * {@code nofailover} is kept even when false if {@code failover_priority} is set, so that peers can resolve the
     * two as this node does (Patroni 3.2's {@code _filter_tags}); then the custom tags. Empty means the member JSON
     * has no {@code tags} field.
     */
    public Map<String, Object> asMemberTags() {
        Map<String, Object> tags = new LinkedHashMap<>();
        nofailover.filter(on -> on || failoverPriority.isPresent()).ifPresent(on -> tags.put("nofailover", on));
        if (clonefrom) {
            tags.put("clonefrom", true);
        }
        if (noloadbalance) {
            tags.put("noloadbalance", true);
        }
        if (nosync) {
            tags.put("nosync", true);
        }
        if (nostream) {
            tags.put("nostream", true);
        }
        replicatefrom.ifPresent(member -> tags.put("replicatefrom", member));
        failoverPriority.ifPresent(priority -> tags.put("failover_priority", priority));
        tags.putAll(custom);
        return Collections.unmodifiableMap(tags);
    }

    static Tags from(ConfigNode tags) {
        Map<String, Object> custom = new LinkedHashMap<>(tags.asMap());
        custom.keySet().removeAll(BUILT_IN);
        ConfigNode nofailover = tags.get("nofailover");
        ConfigNode priority = tags.get("failover_priority");
        return new Tags(
                nofailover.isPresent() ? Optional.of(nofailover.bool(false)) : Optional.empty(),
                tags.get("noloadbalance").bool(false),
                tags.get("clonefrom").bool(false),
                tags.get("nosync").bool(false),
                tags.get("nostream").bool(false),
                tags.get("replicatefrom").optionalString(),
                priority.isPresent() ? OptionalInt.of(priority.integer(0)) : OptionalInt.empty(),
                custom);
    }
}
