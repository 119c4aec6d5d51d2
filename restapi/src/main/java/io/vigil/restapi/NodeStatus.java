package io.vigil.restapi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One immutable snapshot of this node, published by the agent at the end of each HA cycle and on events.
 * Health checks are computed from it alone (see {@link HealthCheck}).
 *
 * <p>The maps are copied at construction so that a later change on the agent side cannot alter a snapshot
 * that a request is reading; nested values are expected to be immutable already.
 *
 * @param holdsLock        the agent holds the leader lock (Patroni's "is leader" flag); the agent clears it
 *                         as soon as the lock is lost or no longer provable
 * @param role             {@code master | replica | standby_leader | demoted | uninitialized | promoted}
 * @param state            PostgreSQL state: {@code running}, {@code starting}, {@code stopped}, ...
 * @param postgresPrimary  PostgreSQL runs and is not in recovery
 * @param paused           maintenance mode
 * @param dcsReachable     the last DCS read succeeded, i.e. Patroni's cached cluster view is valid
 * @param standbyCluster   a standby cluster is configured
 * @param tags             effective member tags (only the true built-ins plus custom tags)
 * @param replayedLocation replica replay LSN as an integer
 * @param clusterOptime    {@code status.optime} from the cached DCS view
 * @param syncStandby      a replica listed as a standby in {@code /sync} while {@code synchronous_mode} is on
 *                         (Patroni's {@code sync_standby}: {@code /sync}, {@code /read-only-sync})
 * @param quorumStandby    a replica listed as a standby in {@code /sync} while {@code synchronous_mode} is
 *                         {@code quorum} (Patroni 4's {@code quorum_standby}: {@code /quorum},
 *                         {@code /read-only-quorum}); never together with {@code syncStandby}
 * @param livenessOk       the HA loop is alive (computed by the agent)
 * @param document         the full {@code /patroni} JSON document of spec 5.2, built by the agent
 */
public record NodeStatus(
        boolean holdsLock,
        String role,
        String state,
        boolean postgresPrimary,
        boolean paused,
        boolean dcsReachable,
        boolean standbyCluster,
        Map<String, Object> tags,
        OptionalLong replayedLocation,
        OptionalLong clusterOptime,
        boolean syncStandby,
        boolean quorumStandby,
        boolean livenessOk,
        Map<String, Object> document,
        java.util.Optional<FailoverCost> lastFailover) {

    public NodeStatus {
        lastFailover = lastFailover == null ? java.util.Optional.empty() : lastFailover;
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(state, "state");
        tags = frozenCopy(tags);
        replayedLocation = replayedLocation == null ? OptionalLong.empty() : replayedLocation;
        clusterOptime = clusterOptime == null ? OptionalLong.empty() : clusterOptime;
        document = frozenCopy(document);
    }

    /** A snapshot outside quorum mode ({@code quorumStandby} false). */
    public NodeStatus(boolean holdsLock, String role, String state, boolean postgresPrimary, boolean paused,
            boolean dcsReachable, boolean standbyCluster, Map<String, Object> tags, OptionalLong replayedLocation,
            OptionalLong clusterOptime, boolean syncStandby, boolean livenessOk, Map<String, Object> document) {
        this(holdsLock, role, state, postgresPrimary, paused, dcsReachable, standbyCluster, tags, replayedLocation,
                clusterOptime, syncStandby, false, livenessOk, document, java.util.Optional.empty());
    }

    /** A snapshot of a node that has not promoted itself since its agent started. */
    public NodeStatus(boolean holdsLock, String role, String state, boolean postgresPrimary, boolean paused,
            boolean dcsReachable, boolean standbyCluster, Map<String, Object> tags, OptionalLong replayedLocation,
            OptionalLong clusterOptime, boolean syncStandby, boolean quorumStandby, boolean livenessOk,
            Map<String, Object> document) {
        this(holdsLock, role, state, postgresPrimary, paused, dcsReachable, standbyCluster, tags, replayedLocation,
                clusterOptime, syncStandby, quorumStandby, livenessOk, document, java.util.Optional.empty());
    }

    // LinkedHashMap rather than Map.copyOf: keeps the agent's key order in the JSON and tolerates null values.
    private static Map<String, Object> frozenCopy(Map<String, Object> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
