package io.vigil.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dynamic {@code standby_cluster} section (wire spec 3.18, 7.2): the lock holder is a standby leader replicating
 * from a remote primary, and nobody in the cluster promotes while the section is set.
 *
 * <p>Read leniently: a section Vigil cannot follow (no {@code host} and no {@code restore_command}, a port that is not
 * a number, not a mapping at all) still makes a standby cluster, with {@link #problem()} saying what is wrong. Treating
 * it as absent instead would promote the standby leader, which a typo must never do; {@code PATCH /config} refuses
 * such a section up front ({@link #check}).
 *
 * @param host                   the remote primary's host; empty for archive-only standbys
 * @param port                   the remote primary's port (5432 when only the host is given)
 * @param primarySlotName        slot to stream from on the remote primary
 * @param restoreCommand         {@code restore_command} for the standby leader
 * @param archiveCleanupCommand  {@code archive_cleanup_command} for the standby leader
 * @param recoveryMinApplyDelay  {@code recovery_min_apply_delay} for the standby leader, as given ({@code 5min})
 * @param createReplicaMethods   how the first node is cloned from the remote; Vigil itself runs pg_basebackup
 * @param problem                why the section cannot be followed as given, e.g. {@code standby_cluster: needs a
 *                               host or a restore_command}; empty when it can
 */
public record StandbyCluster(Optional<String> host, int port, Optional<String> primarySlotName,
                             Optional<String> restoreCommand, Optional<String> archiveCleanupCommand,
                             Optional<String> recoveryMinApplyDelay, List<String> createReplicaMethods,
                             Optional<String> problem) {

    static final String KEY = "standby_cluster";
    private static final int DEFAULT_PORT = 5432;

    public StandbyCluster {
        createReplicaMethods = List.copyOf(createReplicaMethods);
    }

    /**
     * The section as stored in {@code /config}; empty when there is none ({@code null}, or an empty mapping: Patroni's
     * {@code is_standby_cluster} is false for both).
     */
    public static Optional<StandbyCluster> of(Object section) {
        if (section == null || section instanceof Map<?, ?> m && m.isEmpty()) {
            return Optional.empty();
        }
        if (!(section instanceof Map<?, ?> map)) {
            return Optional.of(unusable(KEY + ": expected a mapping, got " + ConfigNode.describe(section)));
        }
        Map<String, Object> m = ConfigMaps.stringKeyed(map);
        Optional<String> host = text(m.get("host"));
        Optional<String> restore = text(m.get("restore_command"));
        Optional<String> problem = Optional.empty();
        int port = DEFAULT_PORT;
        Object rawPort = m.get("port");
        if (rawPort != null && !"".equals(rawPort)) {
            var parsed = ConfigNode.parseInteger(rawPort);
            if (parsed.isEmpty() || parsed.getAsLong() < 1 || parsed.getAsLong() > 65535) {
                problem = Optional.of(KEY + ".port: expected a port number (1-65535), got "
                    + ConfigNode.describe(rawPort));
            } else {
                port = (int) parsed.getAsLong();
            }
        }
        if (host.isEmpty() && restore.isEmpty()) {
            problem = Optional.of(KEY + ": needs a host (the remote primary to replicate from) or a restore_command");
        }
        return Optional.of(new StandbyCluster(problem.isPresent() ? Optional.empty() : host, port,
            text(m.get("primary_slot_name")), problem.isPresent() ? Optional.empty() : restore,
            text(m.get("archive_cleanup_command")), text(m.get("recovery_min_apply_delay")), methods(m), problem));
    }

    /** Why a proposed {@code standby_cluster} value is refused, naming the key; empty when it is usable or absent. */
    public static Optional<String> check(Object section) {
        return of(section).flatMap(StandbyCluster::problem);
    }

    /** Whether the standby leader streams from a remote primary (rather than only restoring from an archive). */
    public boolean streams() {
        return host.isPresent();
    }

    /**
     * The recovery settings the standby leader adds to what every replica gets (wire spec 4.3 step 4); none when the
     * section cannot be followed: a standby with nothing to follow then just stays in recovery.
     */
    public Map<String, String> recoverySettings() {
        Map<String, String> out = new LinkedHashMap<>();
        restoreCommand.ifPresent(v -> out.put("restore_command", v));
        archiveCleanupCommand.ifPresent(v -> out.put("archive_cleanup_command", v));
        recoveryMinApplyDelay.ifPresent(v -> out.put("recovery_min_apply_delay", v));
        return problem.isPresent() ? Map.of() : out;
    }

    /** Where the standby leader replicates from, for logs: {@code host:port}, or the archive. */
    public String describe() {
        if (problem.isPresent()) {
            return "nothing (" + problem.get() + ")";
        }
        return host.map(h -> h + ":" + port).orElse("the archive (restore_command)");
    }

    private static StandbyCluster unusable(String problem) {
        return new StandbyCluster(Optional.empty(), DEFAULT_PORT, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), List.of(), Optional.of(problem));
    }

    private static List<String> methods(Map<String, Object> m) {
        Object raw = m.get("create_replica_methods");
        if (raw instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return raw == null ? List.of() : List.of(String.valueOf(raw));
    }

    private static Optional<String> text(Object raw) {
        if (raw == null || raw instanceof Map || raw instanceof List) {
            return Optional.empty();
        }
        String s = ConfigNode.scalarText(raw).strip();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
