package io.vigil.restapi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Snapshots of the reference cluster of patroni-baseline.md (scope {@code demo}, n1 leader, n2/n3 streaming
 * replicas, all caught up at LSN 67111112, not in synchronous mode), plus a builder for variants.
 */
final class Snapshots {

    static final long OPTIME = 67_111_112L;

    private Snapshots() {
    }

    static NodeStatus leader() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("state", "running");
        doc.put("postmaster_start_time", "2026-11-21 10:00:00.123456+00:00");
        doc.put("role", "master");
        doc.put("server_version", 150020);
        doc.put("xlog", Map.of("location", OPTIME));
        doc.put("timeline", 1);
        doc.put("replication", java.util.List.of(
                Map.of("usename", "replicator", "application_name", "n2", "client_addr", "127.0.0.1",
                        "state", "streaming", "sync_state", "async", "sync_priority", 0)));
        doc.put("dcs_last_seen", 1_795_255_200L);
        doc.put("database_system_identifier", "7710757091529170435");
        doc.put("patroni", Map.of("version", "3.0.2", "scope", "demo"));
        return new NodeStatus(true, "master", "running", true, false, true, false, Map.of(),
                OptionalLong.empty(), OptionalLong.of(OPTIME), false, true, doc);
    }

    static NodeStatus replica() {
        Map<String, Object> xlog = new LinkedHashMap<>();
        xlog.put("received_location", OPTIME);
        xlog.put("replayed_location", OPTIME);
        xlog.put("replayed_timestamp", "2026-11-21 10:05:00.000001+00:00");
        xlog.put("paused", false);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("state", "running");
        doc.put("postmaster_start_time", "2026-11-21 10:00:03+00:00");
        doc.put("role", "replica");
        doc.put("server_version", 150020);
        doc.put("xlog", xlog);
        doc.put("timeline", 1);
        doc.put("dcs_last_seen", 1_795_255_200L);
        doc.put("database_system_identifier", "7710757091529170435");
        doc.put("patroni", Map.of("version", "3.0.2", "scope", "demo"));
        return new NodeStatus(false, "replica", "running", false, false, true, false, Map.of(),
                OptionalLong.of(OPTIME), OptionalLong.of(OPTIME), false, true, doc);
    }

    static Builder from(NodeStatus s) {
        return new Builder(s);
    }

    /** Changes single fields of a snapshot; the document is kept as it is. */
    static final class Builder {
        private boolean holdsLock;
        private String role;
        private String state;
        private boolean postgresPrimary;
        private boolean paused;
        private boolean dcsReachable;
        private boolean standbyCluster;
        private Map<String, Object> tags;
        private OptionalLong replayedLocation;
        private OptionalLong clusterOptime;
        private boolean syncStandby;
        private boolean quorumStandby;
        private boolean livenessOk;
        private final Map<String, Object> document;

        private Builder(NodeStatus s) {
            holdsLock = s.holdsLock();
            role = s.role();
            state = s.state();
            postgresPrimary = s.postgresPrimary();
            paused = s.paused();
            dcsReachable = s.dcsReachable();
            standbyCluster = s.standbyCluster();
            tags = s.tags();
            replayedLocation = s.replayedLocation();
            clusterOptime = s.clusterOptime();
            syncStandby = s.syncStandby();
            quorumStandby = s.quorumStandby();
            livenessOk = s.livenessOk();
            document = s.document();
        }

        Builder holdsLock(boolean value) {
            holdsLock = value;
            return this;
        }

        Builder role(String value) {
            role = value;
            return this;
        }

        Builder state(String value) {
            state = value;
            return this;
        }

        Builder postgresPrimary(boolean value) {
            postgresPrimary = value;
            return this;
        }

        Builder paused(boolean value) {
            paused = value;
            return this;
        }

        Builder dcsReachable(boolean value) {
            dcsReachable = value;
            return this;
        }

        Builder standbyCluster(boolean value) {
            standbyCluster = value;
            return this;
        }

        Builder tags(Map<String, Object> value) {
            tags = value;
            return this;
        }

        Builder replayedLocation(long value) {
            replayedLocation = OptionalLong.of(value);
            return this;
        }

        Builder clusterOptime(long value) {
            clusterOptime = OptionalLong.of(value);
            return this;
        }

        Builder syncStandby(boolean value) {
            syncStandby = value;
            return this;
        }

        Builder quorumStandby(boolean value) {
            quorumStandby = value;
            return this;
        }

        Builder livenessOk(boolean value) {
            livenessOk = value;
            return this;
        }

        NodeStatus build() {
            return new NodeStatus(holdsLock, role, state, postgresPrimary, paused, dcsReachable, standbyCluster,
                    tags, replayedLocation, clusterOptime, syncStandby, quorumStandby, livenessOk, document);
        }
    }
}
