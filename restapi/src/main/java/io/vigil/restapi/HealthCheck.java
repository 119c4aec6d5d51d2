package io.vigil.restapi;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Pure: the status code of a health-check path for a snapshot, reproducing Patroni 3.0.2 ({@code api.py
 * do_GET}, spec 5.1) so that HAProxy and Kubernetes probes written for Patroni work unchanged, plus Patroni 4's
 * {@code /quorum} and {@code /read-only-quorum} for {@code synchronous_mode: quorum}.
 *
 * <p>The path is matched by substring, first match wins, in Patroni's order; {@code /} means {@code /primary}.
 * Only {@code lag} and {@code tag_<name>} query parameters are recognised, everything else is ignored.
 */
public final class HealthCheck {

    private static final int OK = 200;
    private static final int UNAVAILABLE = 503;

    private HealthCheck() {
    }

    /**
     * @param path  the request path without query string, not percent-decoded (Patroni matches the raw path)
     * @param query decoded query parameters, name to values in request order
     */
    public static int status(String path, Map<String, List<String>> query, NodeStatus s) {
        String p = path == null ? "" : "/".equals(path) ? "/primary" : path;
        Map<String, List<String>> q = query == null ? Map.of() : query;
        Verdict v = Verdict.of(s, Lag.parse(TagFilter.firstValue(q.get("lag"))));

        if (p.contains("standby_leader") || p.contains("standby-leader")) {
            return code(v.standbyLeaderOk);
        }
        if (p.contains("leader")) {
            return code(v.leaderOk);
        }
        if (p.contains("master") || p.contains("primary") || p.contains("read-write")) {
            return code(v.primaryOk);
        }
        int code;
        if (p.contains("replica")) {
            code = code(v.replicaOk);
        } else if (p.contains("read-only") && !p.contains("sync") && !p.contains("quorum")) {
            code = code(v.primaryOk || v.standbyLeaderOk || v.replicaOk);
        } else if (p.contains("health")) {
            code = code(isRunning(s));
        } else if (s.dcsReachable()) {
            code = synchronousCheck(p, s, v);
        } else {
            code = UNAVAILABLE;
        }
        return code == OK && !TagFilter.matches(q, s.tags()) ? UNAVAILABLE : code;
    }

    /** {@code GET /liveness}: the HA loop is alive, or nobody expects it to act because the cluster is paused. */
    public static int liveness(NodeStatus s) {
        return code(s.livenessOk() || s.paused());
    }

    /** {@code GET /readiness} (3.0.2): the lock holder, or a running PostgreSQL with a valid view of the DCS. */
    public static int readiness(NodeStatus s) {
        return code(s.holdsLock() || (isRunning(s) && s.dcsReachable()));
    }

    // The exact paths below need the DCS: whether this node is listed in /sync is only known from it. As in
    // Patroni 4, a quorum standby is neither /sync nor /async, and a sync standby (mode on) is not /quorum.
    private static int synchronousCheck(String p, NodeStatus s, Verdict v) {
        switch (p) {
            case "/sync", "/synchronous":
                return s.syncStandby() ? code(v.replicaOk) : UNAVAILABLE;
            case "/quorum":
                return s.quorumStandby() ? code(v.replicaOk) : UNAVAILABLE;
            case "/async", "/asynchronous":
                return s.syncStandby() || s.quorumStandby() ? UNAVAILABLE : code(v.replicaOk);
            case "/read-only-sync", "/read-only-synchronous":
                return code(v.primaryOk || v.standbyLeaderOk || (s.syncStandby() && v.replicaOk));
            case "/read-only-quorum":
                return code(v.primaryOk || v.standbyLeaderOk || (s.quorumStandby() && v.replicaOk));
            default:
                return UNAVAILABLE;
        }
    }

    private static int code(boolean ok) {
        return ok ? OK : UNAVAILABLE;
    }

    private static boolean isRunning(NodeStatus s) {
        return "running".equals(s.state());
    }

    /** Patroni's derived answers: leader_ok, primary_ok, standby_leader_ok and replica_ok. */
    private record Verdict(boolean leaderOk, boolean primaryOk, boolean standbyLeaderOk, boolean replicaOk) {

        static Verdict of(NodeStatus s, OptionalLong lagLimit) {
            String role = s.role();
            boolean primaryRole = "master".equals(role) || "primary".equals(role);
            boolean standbyLeaderRole = "standby_leader".equals(role);
            boolean replicaOk = !TagFilter.isTruthy(s.tags().get("noloadbalance"))
                    && "replica".equals(role)
                    && isRunning(s)
                    && !isLagging(s, lagLimit.orElse(Long.MAX_VALUE));
            if (!s.dcsReachable() && s.paused()) {
                // Nobody can take the lock over while paused, so the roles PostgreSQL has are trusted as they are.
                return new Verdict(primaryRole || standbyLeaderRole, primaryRole, standbyLeaderRole, replicaOk);
            }
            if (!s.holdsLock()) {
                return new Verdict(false, false, false, replicaOk);
            }
            if (s.standbyCluster()) {
                return new Verdict(true, false, "replica".equals(role) || standbyLeaderRole, false);
            }
            // Stricter than Patroni 3.0.2 (which answers from the lock alone): a lock holder whose PostgreSQL
            // is restarting, still read-only or being demoted must not attract writes through HAProxy.
            return new Verdict(true, s.postgresPrimary(), false, replicaOk);
        }

        // Patroni compares with the optime of its cached cluster view, which does not exist while the DCS
        // is unreachable; an optime of 0 (unknown) never counts as lagging.
        private static boolean isLagging(NodeStatus s, long lagLimit) {
            long optime = s.dcsReachable() ? s.clusterOptime().orElse(0) : 0;
            return optime != 0 && optime > saturatingAdd(s.replayedLocation().orElse(0), lagLimit);
        }

        private static long saturatingAdd(long a, long b) {
            long sum = a + b;
            if (((a ^ sum) & (b ^ sum)) < 0) {
                return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
            }
            return sum;
        }
    }
}
