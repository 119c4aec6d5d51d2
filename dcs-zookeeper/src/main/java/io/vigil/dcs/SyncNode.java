package io.vigil.dcs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code sync} znode (wire spec 1.8): which standbys the leader last made synchronous. Written only by the
 * leader, compare-and-set on {@link #version()} ({@link Dcs#writeSync}).
 *
 * <p>Read as Patroni 4's {@code SyncState.from_node} does: anything that is not a JSON object with a string
 * {@code leader}, a string (or null) {@code sync_standby} and an integer (or null) {@code quorum} reads as an
 * empty record, which still carries the real znode version so the leader can overwrite it with CAS.
 *
 * @param leader   the leader that wrote it; empty for {@code {}} (sync mode off), a missing or empty leader, and
 *                 garbage. Patroni calls such a record "empty" and ignores its standbys.
 * @param standbys the names in {@code sync_standby} (comma-joined on the wire, split and trimmed here, empty
 *                 items dropped); empty when the value is null, and always empty without a leader
 * @param quorum   Patroni 4's {@code quorum}: how many of {@code leader + standbys} a standby racing for the
 *                 lock must see; empty when absent or null (Patroni 3.x writes none), and without a leader
 * @param version  znode version, the CAS token for {@link Dcs#writeSync}
 * @param switchedOff the value is exactly {@code {}}: what a leader writes when synchronous mode is switched off
 *                 ({@link #off()}). Unlike garbage or a leader-less object it says something: since then no standby
 *                 was promised every acknowledged commit, because a leader claims {@code /sync} again before
 *                 PostgreSQL waits for any standby
 */
public record SyncNode(Optional<String> leader, List<String> standbys, OptionalInt quorum, int version,
        boolean switchedOff) {

    public SyncNode {
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(quorum, "quorum");
        standbys = List.copyOf(standbys);
    }

    public SyncNode(Optional<String> leader, List<String> standbys, OptionalInt quorum, int version) {
        this(leader, standbys, quorum, version, false);
    }

    /** An empty record (no leader, no standbys) at the given znode version: unreadable or leader-less. */
    public static SyncNode empty(int version) {
        return new SyncNode(Optional.empty(), List.of(), OptionalInt.empty(), version);
    }

    /** Whether the record has no leader: {@code {}}, garbage, or a leader-less value (Patroni's {@code is_empty}). */
    public boolean isEmpty() {
        return leader.isEmpty();
    }

    /**
     * Whether {@code name} is the leader or one of the standbys, ignoring case as PostgreSQL does for
     * {@code synchronous_standby_names} (and Patroni 4 for {@code /sync}). Never true for an empty record.
     */
    public boolean matches(String name) {
        return leaderMatches(name) || isStandby(name);
    }

    /** Whether {@code name} is one of the listed standbys (case-insensitive); the leader itself is not. */
    public boolean isStandby(String name) {
        return name != null && standbys.stream().anyMatch(s -> s.equalsIgnoreCase(name));
    }

    /** Whether {@code name} is the leader that wrote the record (case-insensitive). */
    public boolean leaderMatches(String name) {
        return name != null && leader.map(l -> l.equalsIgnoreCase(name)).orElse(false);
    }

    /**
     * The value Patroni's {@code sync_state(leader, sync_standby, quorum)} writes, in its key order:
     * {@code {"leader":"n1","sync_standby":"n2,n3"}} with the standbys sorted and comma-joined, or
     * {@code "sync_standby":null} when there are none; {@code "quorum":k} (Patroni 4, quorum mode) goes between
     * the two and only when given.
     */
    public static Map<String, Object> value(String leader, Collection<String> standbys, OptionalInt quorum) {
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(quorum, "quorum");
        List<String> sorted = new ArrayList<>(standbys);
        sorted.sort(null);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("leader", leader);
        quorum.ifPresent(k -> value.put("quorum", k));
        value.put("sync_standby", sorted.isEmpty() ? null : String.join(",", sorted));
        return value;
    }

    /** {@code {}}: what the leader writes when synchronous mode is switched off (Patroni's {@code delete_sync_state}). */
    public static Map<String, Object> off() {
        return Map.of();
    }

    /** Parses the znode's bytes; never throws. */
    static SyncNode parse(byte[] data, int version) {
        return from(WireFormat.parse(data).orElse(null), version);
    }

    /**
     * Reads an already parsed JSON value (maps, lists, strings, numbers, booleans, null), e.g. a value kept as
     * a Java map by a simulated store; never throws.
     */
    public static SyncNode from(Object json, int version) {
        if (!(json instanceof Map<?, ?> object)) {
            return empty(version);
        }
        if (object.isEmpty()) {
            return new SyncNode(Optional.empty(), List.of(), OptionalInt.empty(), version, true);
        }
        Object leader = object.get("leader");
        Object standbys = object.get("sync_standby");
        Object quorum = object.get("quorum");
        if (leader != null && !(leader instanceof String)
                || standbys != null && !(standbys instanceof String)
                || quorum != null && quorum instanceof Boolean) {
            return empty(version);
        }
        OptionalInt k = OptionalInt.empty();
        if (quorum != null) {
            var number = JsonValues.integer(quorum);
            if (number.isEmpty() || number.getAsLong() != (int) number.getAsLong()) {
                return empty(version);
            }
            k = OptionalInt.of((int) number.getAsLong());
        }
        String name = (String) leader;
        if (name == null || name.isEmpty()) {
            return empty(version);
        }
        List<String> names = new ArrayList<>();
        if (standbys != null) {
            for (String item : ((String) standbys).split(",")) {
                if (!item.strip().isEmpty()) {
                    names.add(item.strip());
                }
            }
        }
        return new SyncNode(Optional.of(name), names, k, version);
    }
}
