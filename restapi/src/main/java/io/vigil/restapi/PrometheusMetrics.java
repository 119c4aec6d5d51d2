package io.vigil.restapi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@code GET /metrics}: Prometheus text with Patroni 3.0.2's metric names, order and types (spec 5.6), so
 * existing dashboards and alerts keep working, plus Patroni 4's {@code patroni_quorum_standby}. Every value comes from the snapshot and its {@code /patroni}
 * document; a missing field reads as 0, as in Patroni.
 */
final class PrometheusMetrics {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);
    private final String labels;

    private PrometheusMetrics(String scope) {
        this.labels = "{scope=\"" + escapeLabel(scope) + "\"}";
    }

    static String render(NodeStatus s) {
        Map<String, Object> doc = s.document();
        Map<String, Object> patroni = map(doc.get("patroni"));
        Map<String, Object> xlog = map(doc.get("xlog"));
        boolean primaryRole = "master".equals(s.role()) || "primary".equals(s.role());
        PrometheusMetrics m = new PrometheusMetrics(String.valueOf(patroni.getOrDefault("scope", "")));

        m.gauge("patroni_version", "Patroni semver without periods.", paddedVersion(patroni.get("version")));
        m.gauge("patroni_postgres_running", "Value is 1 if Postgres is running, 0 otherwise.",
                flag("running".equals(s.state())));
        m.gauge("patroni_postmaster_start_time", "Epoch seconds since Postgres started.",
                epochSeconds(doc.get("postmaster_start_time")));
        m.gauge("patroni_master", "Value is 1 if this node is the leader, 0 otherwise.", flag(primaryRole));
        m.gauge("patroni_primary", "Value is 1 if this node is the leader, 0 otherwise.", flag(primaryRole));
        m.counter("patroni_xlog_location",
                "Current location of the Postgres transaction log, 0 if this node is not the leader.",
                number(xlog.get("location")));
        m.gauge("patroni_standby_leader", "Value is 1 if this node is the standby_leader, 0 otherwise.",
                flag("standby_leader".equals(s.role())));
        m.gauge("patroni_replica", "Value is 1 if this node is a replica, 0 otherwise.",
                flag("replica".equals(s.role())));
        m.gauge("patroni_sync_standby", "Value is 1 if this node is a sync standby replica, 0 otherwise.",
                flag(s.syncStandby()));
        // Patroni 4's, next to patroni_sync_standby as there.
        m.gauge("patroni_quorum_standby", "Value is 1 if this node is a quorum standby replica, 0 otherwise.",
                flag(s.quorumStandby()));
        m.counter("patroni_xlog_received_location",
                "Current location of the received Postgres transaction log, 0 if this node is not a replica.",
                number(xlog.get("received_location")));
        m.counter("patroni_xlog_replayed_location",
                "Current location of the replayed Postgres transaction log, 0 if this node is not a replica.",
                number(xlog.get("replayed_location")));
        m.gauge("patroni_xlog_replayed_timestamp",
                "Current timestamp of the replayed Postgres transaction log, 0 if null.",
                epochSeconds(xlog.get("replayed_timestamp")));
        m.gauge("patroni_xlog_paused", "Value is 1 if the Postgres xlog is paused, 0 otherwise.",
                flag(Boolean.TRUE.equals(xlog.get("paused"))));
        // Patroni 3.0.2 prints a space between this name and its labels; kept byte for byte, parsers accept it.
        m.help("patroni_postgres_server_version", "Version of Postgres (if running), 0 otherwise.", "gauge");
        m.out.append("patroni_postgres_server_version ").append(m.labels).append(' ')
                .append(number(doc.get("server_version"))).append('\n');
        m.gauge("patroni_cluster_unlocked", "Value is 1 if the cluster is unlocked, 0 if locked.",
                flag(doc.get("cluster_unlocked")));
        m.gauge("patroni_failsafe_mode_is_active", "Value is 1 if failsafe mode is active, 0 if inactive.",
                flag(doc.get("failsafe_mode_is_active")));
        m.counter("patroni_postgres_timeline", "Postgres timeline of this node (if running), 0 otherwise.",
                number(doc.get("timeline")));
        m.gauge("patroni_dcs_last_seen", "Epoch timestamp when DCS was last contacted successfully by Patroni.",
                number(doc.get("dcs_last_seen")));
        m.gauge("patroni_pending_restart", "Value is 1 if the node needs a restart, 0 otherwise.",
                flag(doc.get("pending_restart")));
        m.gauge("patroni_is_paused", "Value is 1 if auto failover is disabled, 0 otherwise.", flag(s.paused()));
        // Vigil's own, after Patroni's: what the last promotion of this node cost (absent until it promotes).
        s.lastFailover().ifPresent(f -> {
            m.gauge("vigil_last_failover_timeline", "Timeline opened by this node's last promotion.",
                    Integer.toString(f.timeline()));
            m.gauge("vigil_last_failover_seconds",
                    "Seconds from the leader lock gone to this node writable in its last promotion, -1 if unknown.",
                    f.secondsToWritable() < 0 ? "-1" : BigDecimal.valueOf(f.secondsToWritable()).toPlainString());
            m.gauge("vigil_last_failover_bytes_at_risk",
                    "WAL bytes the last promotion of this node was behind the old leader's last published position, a lower "
                            + "bound of what it may have lost (0 for a synchronous standby).",
                    Long.toString(f.bytesAtRisk()));
        });
        return m.out.toString();
    }

    private void gauge(String name, String help, String value) {
        sample(name, help, "gauge", value);
    }

    private void counter(String name, String help, String value) {
        sample(name, help, "counter", value);
    }

    private void sample(String name, String help, String type, String value) {
        help(name, help, type);
        out.append(name).append(labels).append(' ').append(value).append('\n');
    }

    private void help(String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** "3.0.2" becomes "030002": every component left-padded to two digits. */
    static String paddedVersion(Object version) {
        if (version == null) {
            return "0";
        }
        StringBuilder padded = new StringBuilder();
        for (String part : String.valueOf(version).split("\\.", -1)) {
            padded.append(part.length() < 2 ? "0".repeat(2 - part.length()) + part : part);
        }
        return padded.toString();
    }

    private static String flag(boolean value) {
        return value ? "1" : "0";
    }

    private static String flag(Object value) {
        return flag(TagFilter.isTruthy(value));
    }

    static String number(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
            return new BigDecimal(n.toString()).toPlainString();
        }
        if (value instanceof Boolean b) {
            return flag(b.booleanValue());
        }
        return "0";
    }

    /**
     * Seconds since the epoch of a PostgreSQL timestamp in Python's {@code str(datetime)} form
     * ({@code 2024-05-01 10:00:00.123456+00:00}), printed like Python's float ({@code 1714557600.123456},
     * {@code 1714557600.0}); 0 when absent or unreadable.
     */
    static String epochSeconds(Object timestamp) {
        if (timestamp instanceof Number n) {
            return number(n);
        }
        if (!(timestamp instanceof String text) || text.isBlank()) {
            return "0";
        }
        try {
            OffsetDateTime time = OffsetDateTime.parse(text.strip().replaceFirst(" ", "T"));
            BigDecimal seconds = BigDecimal.valueOf(time.toEpochSecond())
                    .add(BigDecimal.valueOf(time.getNano() / 1000, 6)).stripTrailingZeros();
            return seconds.scale() > 0 ? seconds.toPlainString() : seconds.setScale(1).toPlainString();
        } catch (DateTimeParseException e) {
            return "0";
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
