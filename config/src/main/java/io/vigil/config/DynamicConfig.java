package io.vigil.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The dynamic configuration stored in ZooKeeper at {@code <base>/config} (spec 7.2), shared by all
 * members and changed at run time through the REST API or patronictl.
 *
 * @param synchronousMode       {@code synchronous_mode}: off (default), on, or Patroni 4's quorum
 * @param synchronousModeStrict {@code synchronous_mode_strict} (default false): never leave the primary
 *                              without a synchronous standby ({@code synchronous_standby_names = '*'})
 * @param synchronousNodeCount  {@code synchronous_node_count} (default 1, always at least 1)
 * @param maximumLagOnSyncnode  {@code maximum_lag_on_syncnode} in bytes (default -1; 0 or less = no limit)
 * @param raw the whole map as read, so that a rewrite (PATCH, pause) keeps keys Vigil does not model
 */
public record DynamicConfig(int ttl, int loopWait, int retryTimeout, long maximumLagOnFailover,
                            int primaryStartTimeout, boolean checkTimeline, boolean pause, boolean usePgRewind,
                            boolean useSlots, boolean removeDataDirectoryOnRewindFailure,
                            boolean removeDataDirectoryOnDivergedTimelines, SyncMode synchronousMode,
                            boolean synchronousModeStrict, int synchronousNodeCount, long maximumLagOnSyncnode,
                            Map<String, String> parameters, Map<String, Object> raw) {

    /**
     * Numeric keys Vigil does not model but Patroni 3.0.2 coerces with int(); a bad value there makes
     * Patroni reject the whole configuration, so Vigil rejects it too and mixed clusters agree.
     */
    private static final List<String> OTHER_INTEGER_KEYS = List.of("primary_stop_timeout", "master_stop_timeout",
            "max_timelines_history");

    public DynamicConfig {
        Objects.requireNonNull(synchronousMode, "synchronousMode");
        parameters = ConfigMaps.immutableStrings(parameters);
        raw = ConfigMaps.immutableCopy(raw);
    }

    /**
     * Reads a dynamic configuration, e.g. the JSON of the {@code config} znode. Missing keys take
     * Patroni's defaults; numbers given as numeric strings are accepted as Patroni does.
     *
     * @throws ConfigException naming the first key with a value of the wrong type
     */
    public static DynamicConfig fromMap(Map<String, ?> map) {
        return from(ConfigNode.root(map == null ? Map.of() : map));
    }

    public static DynamicConfig defaults() {
        return fromMap(Map.of());
    }

    /**
     * A warning when {@code loop_wait + 2 * retry_timeout > ttl}: a cycle that retries ZooKeeper for
     * the full retry_timeout can then outlive the leader lock, which Patroni's documentation forbids.
     */
    public Optional<String> validateTiming() {
        long needed = (long) loopWait + 2L * retryTimeout;
        if (needed <= ttl) {
            return Optional.empty();
        }
        return Optional.of(String.format("loop_wait (%d) + 2 * retry_timeout (%d) = %d exceeds ttl (%d): the leader "
                + "lock can expire before a slow HA cycle ends; raise ttl to at least %d", loopWait, retryTimeout,
                needed, ttl, needed));
    }

    static DynamicConfig from(ConfigNode node) {
        Map<String, Object> map = node.asMap();
        for (String key : OTHER_INTEGER_KEYS) {
            node.get(key).longInteger(0);
        }
        ConfigNode startTimeout = node.get("primary_start_timeout").isPresent()
                ? node.get("primary_start_timeout")
                : node.get("master_start_timeout");
        ConfigNode pg = node.get("postgresql");
        return new DynamicConfig(
                node.get("ttl").integer(30),
                node.get("loop_wait").integer(10),
                node.get("retry_timeout").integer(10),
                node.get("maximum_lag_on_failover").longInteger(1048576L),
                startTimeout.integer(300),
                node.get("check_timeline").bool(false),
                node.get("pause").bool(false),
                pg.get("use_pg_rewind").bool(false),
                pg.get("use_slots").bool(true),
                pg.get("remove_data_directory_on_rewind_failure").bool(false),
                pg.get("remove_data_directory_on_diverged_timelines").bool(false),
                synchronousMode(node.get("synchronous_mode")),
                node.get("synchronous_mode_strict").bool(false),
                synchronousNodeCount(node.get("synchronous_node_count")),
                node.get("maximum_lag_on_syncnode").longInteger(-1L),
                ParameterValues.of(pg.get("parameters")),
                map);
    }

    /**
     * {@code failsafe_mode} (default false, spec 3.14): a primary that loses ZooKeeper keeps running while every
     * member named in {@code /failsafe} accepts its {@code POST /failsafe}. Read leniently, as Patroni's
     * {@code check_mode} does: a value that is not a boolean counts as off.
     */
    public boolean failsafeMode() {
        try {
            return ConfigNode.root(raw).get("failsafe_mode").bool(false);
        } catch (ConfigException e) {
            return false;
        }
    }

    /**
     * {@code standby_cluster} (wire spec 3.18): present when the cluster replicates from a remote primary and must
     * never promote; a section that cannot be followed is present too, with its problem (see {@link StandbyCluster}).
     */
    public Optional<StandbyCluster> standbyCluster() {
        return StandbyCluster.of(raw.get(StandbyCluster.KEY));
    }

    private static SyncMode synchronousMode(ConfigNode value) {
        return SyncMode.parse(value.value()).orElseThrow(() -> value.error("expected on, off (or another boolean) "
                + "or quorum, got " + ConfigNode.describe(value.value())));
    }

    private static int synchronousNodeCount(ConfigNode value) {
        int count = value.integer(1);
        if (count < 1) {
            throw value.error("must be at least 1, got " + count);
        }
        return count;
    }
}
