package io.vigil.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The dynamic {@code synchronous_mode} (wire spec 3.12, 7.2): off, {@code on} (Patroni 3.x's true: the leader
 * keeps {@code synchronous_node_count} standbys in {@code synchronous_standby_names = 'N (a,b)'}) or Patroni 4's
 * {@code quorum} ({@code ANY k (a,b,...)}).
 */
public enum SyncMode {
    OFF, ON, QUORUM;

    /** Whether synchronous replication is requested at all ({@code on} or {@code quorum}). */
    public boolean enabled() {
        return this != OFF;
    }

    /**
     * Reads a value the way Patroni 4 does ({@code global_config.is_synchronous_mode} and
     * {@code is_quorum_commit_mode}): the string {@code quorum} in any case, else Patroni's {@code parse_bool}
     * (booleans, and {@code on/off/true/false/yes/no/1/0} in any case). Absent ({@code null}) is off.
     *
     * @return empty for any other value
     */
    public static Optional<SyncMode> parse(Object raw) {
        if (raw == null) {
            return Optional.of(OFF);
        }
        if (raw instanceof String s && s.trim().toLowerCase(Locale.ROOT).equals("quorum")) {
            return Optional.of(QUORUM);
        }
        return ConfigNode.parseBoolean(raw).map(on -> on ? ON : OFF);
    }

    /**
     * For readers that must not fail on a bad stored value (vigilctl): like {@link #parse}, anything
     * unreadable counts as off, which is what Patroni makes of it ({@code parse_bool} gives None).
     */
    public static SyncMode lenient(Object raw) {
        return parse(raw).orElse(OFF);
    }
}
