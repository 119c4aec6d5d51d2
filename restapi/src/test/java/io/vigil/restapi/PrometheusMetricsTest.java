package io.vigil.restapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

    /** Patroni 3.0.2's metrics, in its order, with Patroni 4's quorum standby next to the sync standby as there. */
    private static final List<String> NAMES = List.of(
            "patroni_version", "patroni_postgres_running", "patroni_postmaster_start_time", "patroni_master",
            "patroni_primary", "patroni_xlog_location", "patroni_standby_leader", "patroni_replica",
            "patroni_sync_standby", "patroni_quorum_standby", "patroni_xlog_received_location", "patroni_xlog_replayed_location",
            "patroni_xlog_replayed_timestamp", "patroni_xlog_paused", "patroni_postgres_server_version",
            "patroni_cluster_unlocked", "patroni_failsafe_mode_is_active", "patroni_postgres_timeline",
            "patroni_dcs_last_seen", "patroni_pending_restart", "patroni_is_paused");

    @Test
    void leaderMetrics() {
        String text = PrometheusMetrics.render(Snapshots.leader());
        long start = Instant.parse("2026-11-21T10:00:00Z").getEpochSecond();
        assertThat(text.lines()).contains(
                "patroni_version{scope=\"demo\"} 030002",
                "patroni_postgres_running{scope=\"demo\"} 1",
                "patroni_postmaster_start_time{scope=\"demo\"} " + start + ".123456",
                "patroni_master{scope=\"demo\"} 1",
                "patroni_primary{scope=\"demo\"} 1",
                "patroni_xlog_location{scope=\"demo\"} 67111112",
                "patroni_replica{scope=\"demo\"} 0",
                "patroni_xlog_replayed_location{scope=\"demo\"} 0",
                "patroni_xlog_replayed_timestamp{scope=\"demo\"} 0",
                "patroni_postgres_server_version {scope=\"demo\"} 150020",
                "patroni_postgres_timeline{scope=\"demo\"} 1",
                "patroni_dcs_last_seen{scope=\"demo\"} 1795255200",
                "patroni_cluster_unlocked{scope=\"demo\"} 0",
                "patroni_is_paused{scope=\"demo\"} 0");
        assertThat(text).endsWith("\n");
    }

    @Test
    void replicaMetrics() {
        NodeStatus replica = Snapshots.from(Snapshots.replica()).paused(true).syncStandby(true).build();
        String text = PrometheusMetrics.render(replica);
        long replayed = Instant.parse("2026-11-21T10:05:00Z").getEpochSecond();
        long start = Instant.parse("2026-11-21T10:00:03Z").getEpochSecond();
        assertThat(text.lines()).contains(
                "patroni_postmaster_start_time{scope=\"demo\"} " + start + ".0",
                "patroni_primary{scope=\"demo\"} 0",
                "patroni_replica{scope=\"demo\"} 1",
                "patroni_sync_standby{scope=\"demo\"} 1",
                "patroni_quorum_standby{scope=\"demo\"} 0",
                "patroni_xlog_location{scope=\"demo\"} 0",
                "patroni_xlog_received_location{scope=\"demo\"} 67111112",
                "patroni_xlog_replayed_location{scope=\"demo\"} 67111112",
                "patroni_xlog_replayed_timestamp{scope=\"demo\"} " + replayed + ".000001",
                "patroni_xlog_paused{scope=\"demo\"} 0",
                "patroni_is_paused{scope=\"demo\"} 1");
    }

    @Test
    void quorumStandbyMetric() {
        String text = PrometheusMetrics.render(Snapshots.from(Snapshots.replica()).quorumStandby(true).build());
        assertThat(text.lines()).contains(
                "# HELP patroni_quorum_standby Value is 1 if this node is a quorum standby replica, 0 otherwise.",
                "# TYPE patroni_quorum_standby gauge",
                "patroni_quorum_standby{scope=\"demo\"} 1",
                "patroni_sync_standby{scope=\"demo\"} 0");
        assertThat(PrometheusMetrics.render(Snapshots.leader()).lines()).contains(
                "# HELP patroni_sync_standby Value is 1 if this node is a sync standby replica, 0 otherwise.",
                "patroni_quorum_standby{scope=\"demo\"} 0");
    }

    @Test
    void everyMetricHasHelpAndTypeInPatroniOrder() {
        List<String> lines = PrometheusMetrics.render(Snapshots.leader()).lines().toList();
        assertThat(lines).hasSize(3 * NAMES.size());
        for (int i = 0; i < NAMES.size(); i++) {
            String name = NAMES.get(i);
            assertThat(lines.get(3 * i)).startsWith("# HELP " + name + " ");
            String type = name.contains("location") || name.equals("patroni_postgres_timeline") ? "counter" : "gauge";
            assertThat(lines.get(3 * i + 1)).isEqualTo("# TYPE " + name + " " + type);
            assertThat(lines.get(3 * i + 2)).startsWith(name);
        }
    }

    @Test
    void theLastFailoverCostFollowsPatronisMetrics() {
        NodeStatus promoted = new NodeStatus(true, "master", "running", true, false, true, false, Map.of(), null,
                null, false, false, true, Map.of("patroni", Map.of("scope", "demo", "version", "3.0.2")),
                java.util.Optional.of(new FailoverCost(4, 0.734, 0)));
        List<String> lines = PrometheusMetrics.render(promoted).lines().toList();
        assertThat(lines.subList(lines.size() - 9, lines.size())).containsExactly(
                "# HELP vigil_last_failover_timeline Timeline opened by this node's last promotion.",
                "# TYPE vigil_last_failover_timeline gauge",
                "vigil_last_failover_timeline{scope=\"demo\"} 4",
                "# HELP vigil_last_failover_seconds Seconds from the leader lock gone to this node writable in its "
                        + "last promotion, -1 if unknown.",
                "# TYPE vigil_last_failover_seconds gauge",
                "vigil_last_failover_seconds{scope=\"demo\"} 0.734",
                "# HELP vigil_last_failover_bytes_at_risk WAL bytes the last promotion of this node was behind the old "
                        + "leader's last published position, a lower bound of what it may have lost (0 for a "
                        + "synchronous standby).",
                "# TYPE vigil_last_failover_bytes_at_risk gauge",
                "vigil_last_failover_bytes_at_risk{scope=\"demo\"} 0");
        assertThat(PrometheusMetrics.render(Snapshots.replica())).doesNotContain("vigil_last_failover");
    }

    @Test
    void sparseDocumentReadsAsZeroAndScopeIsEscaped() {
        NodeStatus bare = new NodeStatus(false, "uninitialized", "stopped", false, false, false, false, Map.of(),
                null, null, false, false, Map.of("patroni", Map.of("scope", "a\"b", "version", "3.0.2"),
                        "cluster_unlocked", true, "pending_restart", true));
        String text = PrometheusMetrics.render(bare);
        assertThat(text.lines()).contains(
                "patroni_postgres_running{scope=\"a\\\"b\"} 0",
                "patroni_postmaster_start_time{scope=\"a\\\"b\"} 0",
                "patroni_postgres_server_version {scope=\"a\\\"b\"} 0",
                "patroni_cluster_unlocked{scope=\"a\\\"b\"} 1",
                "patroni_pending_restart{scope=\"a\\\"b\"} 1");
    }

    @Test
    void formatsLikePatroni() {
        assertThat(PrometheusMetrics.paddedVersion("3.0.2")).isEqualTo("030002");
        assertThat(PrometheusMetrics.paddedVersion("4.1.10")).isEqualTo("040110");
        assertThat(PrometheusMetrics.epochSeconds("1970-01-01 00:00:01.5+00:00")).isEqualTo("1.5");
        assertThat(PrometheusMetrics.epochSeconds("1970-01-01T00:00:00+01:00")).isEqualTo("-3600.0");
        assertThat(PrometheusMetrics.epochSeconds("yesterday")).isEqualTo("0");
        assertThat(PrometheusMetrics.number(2.5d)).isEqualTo("2.5");
        assertThat(PrometheusMetrics.number("12")).isEqualTo("0");
    }
}
