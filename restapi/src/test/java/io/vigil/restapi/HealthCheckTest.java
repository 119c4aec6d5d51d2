package io.vigil.restapi;

import static io.vigil.restapi.Snapshots.OPTIME;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HealthCheckTest {

    private static final NodeStatus LEADER = Snapshots.leader();
    private static final NodeStatus REPLICA = Snapshots.replica();

    /** "/replica?lag=1MB" into path and query, the way the server splits a request URI. */
    static int check(String uri, NodeStatus s) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        return HealthCheck.status(path, QueryString.parse(q < 0 ? null : uri.substring(q + 1)), s);
    }

    /** Every health-check row of "REST status codes, Patroni 3.0.2" in patroni-baseline.md, plus a few more. */
    @ParameterizedTest(name = "{0}: leader {1}, replica {2}")
    @CsvSource({
        "/primary,             200, 503",
        "/master,              200, 503",
        "/leader,              200, 503",
        "/replica,             503, 200",
        "/read-write,          200, 503",
        "/read-only,           200, 200",
        "/standby-leader,      503, 503",
        "/standby_leader,      503, 503",
        "/sync,                503, 503",
        "/async,               503, 200",
        "/health,              200, 200",
        "/replica?lag=1MB,     503, 200",
        "/asynchronous,        503, 200",
        "/synchronous,         503, 503",
        "/,                    200, 503",
        "/read-only-sync,      200, 503",
        "/read-only-synchronous, 200, 503",
        "/quorum,              503, 503",
        "/read-only-quorum,    200, 503",
        "/foo/replica/bar,     503, 200",
        "/primary/anything,    200, 503",
        "/unknown,             503, 503",
        "//,                   503, 503",
        "/liveness,            503, 503",
        "/readiness,           503, 503",
    })
    void reproducesThePatroniMatrixForAHealthyCluster(String uri, int leader, int replica) {
        assertThat(check(uri, LEADER)).as("leader").isEqualTo(leader);
        assertThat(check(uri, REPLICA)).as("replica").isEqualTo(replica);
    }

    @Nested
    class Lag {
        private final NodeStatus behind = Snapshots.from(REPLICA).clusterOptime(OPTIME + 2 * 1024 * 1024).build();

        @Test
        void replicaFurtherBehindThanTheLimitIsNotOffered() {
            assertThat(check("/replica?lag=1MB", behind)).isEqualTo(503);
            assertThat(check("/replica?lag=2097151", behind)).isEqualTo(503);
            assertThat(check("/read-only?lag=1MB", behind)).isEqualTo(503);
            assertThat(check("/async?lag=1MB", behind)).isEqualTo(503);
        }

        @Test
        void replicaWithinTheLimitIsOffered() {
            assertThat(check("/replica?lag=2MB", behind)).isEqualTo(200);
            assertThat(check("/replica?lag=3MB", behind)).isEqualTo(200);
        }

        @Test
        void withoutALimitOrWithAnUnreadableOneLagDoesNotMatter() {
            assertThat(check("/replica", behind)).isEqualTo(200);
            assertThat(check("/replica?lag=", behind)).isEqualTo(200);
            assertThat(check("/replica?lag=lots", behind)).isEqualTo(200);
            assertThat(check("/replica?lag=1mb", behind)).isEqualTo(200);
        }

        @Test
        void unknownOptimeNeverCountsAsLag() {
            NodeStatus noOptime = Snapshots.from(REPLICA).clusterOptime(0).replayedLocation(0).build();
            assertThat(check("/replica?lag=0", noOptime)).isEqualTo(200);
        }

        @Test
        void withoutDcsTheCachedOptimeIsNotTrusted() {
            NodeStatus offline = Snapshots.from(behind).dcsReachable(false).build();
            assertThat(check("/replica?lag=1MB", offline)).isEqualTo(200);
        }

        @Test
        void hugeLimitsDoNotOverflow() {
            assertThat(check("/replica?lag=9223372036854775807", behind)).isEqualTo(200);
            assertThat(check("/replica?lag=-9223372036854775808", behind)).isEqualTo(503);
        }
    }

    @Nested
    class Tags {
        private final NodeStatus tagged = Snapshots.from(REPLICA)
                .tags(Map.of("rack", "r1", "nofailover", true, "weight", 5)).build();
        private final NodeStatus taggedLeader = Snapshots.from(LEADER).tags(Map.of("rack", "r1")).build();

        @Test
        void everyTagFilterMustMatch() {
            assertThat(check("/replica?tag_rack=r1", tagged)).isEqualTo(200);
            assertThat(check("/replica?tag_rack=r1&tag_weight=5", tagged)).isEqualTo(200);
            assertThat(check("/replica?tag_rack=r2", tagged)).isEqualTo(503);
            assertThat(check("/replica?tag_rack=r1&tag_weight=6", tagged)).isEqualTo(503);
            assertThat(check("/replica?tag_rack=R1", tagged)).isEqualTo(503);
        }

        @Test
        void missingTagFails() {
            assertThat(check("/replica?tag_zone=a", tagged)).isEqualTo(503);
            assertThat(check("/replica?tag_=x", tagged)).isEqualTo(503);
        }

        @Test
        void nonStringTagsCompareAsLowerCaseText() {
            assertThat(check("/replica?tag_nofailover=true", tagged)).isEqualTo(200);
            assertThat(check("/replica?tag_nofailover=True", tagged)).isEqualTo(503);
        }

        @Test
        void emptyFilterValueIsIgnoredAndOtherParametersToo() {
            assertThat(check("/replica?tag_rack=&foo=bar&replication_state=x", tagged)).isEqualTo(200);
        }

        @Test
        void filtersApplyToReplicaReadOnlyHealthAndSyncChecks() {
            assertThat(check("/read-only?tag_rack=r2", taggedLeader)).isEqualTo(503);
            assertThat(check("/read-only?tag_rack=r1", taggedLeader)).isEqualTo(200);
            assertThat(check("/health?tag_rack=r2", tagged)).isEqualTo(503);
            assertThat(check("/async?tag_rack=r2", tagged)).isEqualTo(503);
            assertThat(check("/read-only-sync?tag_rack=r2", taggedLeader)).isEqualTo(503);
        }

        @Test
        void leaderChecksIgnoreFilters() {
            assertThat(check("/primary?tag_rack=r2", taggedLeader)).isEqualTo(200);
            assertThat(check("/leader?tag_zone=x", taggedLeader)).isEqualTo(200);
            assertThat(check("/?tag_rack=r2", taggedLeader)).isEqualTo(200);
        }

        @Test
        void noloadbalanceReplicaIsNeverOfferedForReads() {
            NodeStatus hidden = Snapshots.from(REPLICA).tags(Map.of("noloadbalance", true)).build();
            assertThat(check("/replica", hidden)).isEqualTo(503);
            assertThat(check("/read-only", hidden)).isEqualTo(503);
            assertThat(check("/async", hidden)).isEqualTo(503);
            assertThat(check("/health", hidden)).isEqualTo(200);
        }

        @Test
        void falseNoloadbalanceDoesNotHide() {
            NodeStatus visible = Snapshots.from(REPLICA).tags(Map.of("noloadbalance", false)).build();
            assertThat(check("/replica", visible)).isEqualTo(200);
        }
    }

    @Nested
    class DcsUnreachable {

        @Test
        void pausedTrustsThePostgresRoleEvenWithoutTheLock() {
            NodeStatus primary = Snapshots.from(LEADER).holdsLock(false).dcsReachable(false).paused(true).build();
            assertThat(check("/primary", primary)).isEqualTo(200);
            assertThat(check("/leader", primary)).isEqualTo(200);
            assertThat(check("/standby-leader", primary)).isEqualTo(503);
            assertThat(check("/read-only", primary)).isEqualTo(200);
            assertThat(check("/replica", primary)).isEqualTo(503);

            NodeStatus replica = Snapshots.from(REPLICA).dcsReachable(false).paused(true).build();
            assertThat(check("/primary", replica)).isEqualTo(503);
            assertThat(check("/replica", replica)).isEqualTo(200);

            NodeStatus standbyLeader = Snapshots.from(REPLICA).role("standby_leader").standbyCluster(true)
                    .dcsReachable(false).paused(true).build();
            assertThat(check("/standby-leader", standbyLeader)).isEqualTo(200);
            assertThat(check("/leader", standbyLeader)).isEqualTo(200);
            assertThat(check("/primary", standbyLeader)).isEqualTo(503);
        }

        @Test
        void notPausedFollowsTheLockFlag() {
            NodeStatus lockLost = Snapshots.from(LEADER).holdsLock(false).dcsReachable(false).build();
            assertThat(check("/primary", lockLost)).isEqualTo(503);
            assertThat(check("/read-only", lockLost)).isEqualTo(503);
            assertThat(check("/health", lockLost)).isEqualTo(200);

            NodeStatus lockStillValid = Snapshots.from(LEADER).dcsReachable(false).build();
            assertThat(check("/primary", lockStillValid)).isEqualTo(200);
        }

        @Test
        void synchronousChecksNeedTheDcs() {
            NodeStatus leader = Snapshots.from(LEADER).dcsReachable(false).build();
            NodeStatus replica = Snapshots.from(REPLICA).dcsReachable(false).build();
            assertThat(check("/async", replica)).isEqualTo(503);
            assertThat(check("/read-only-sync", leader)).isEqualTo(503);
            assertThat(check("/replica", replica)).isEqualTo(200);
        }
    }

    @Nested
    class StandbyCluster {
        private final NodeStatus standbyLeader = Snapshots.from(REPLICA).holdsLock(true).standbyCluster(true)
                .role("standby_leader").build();
        private final NodeStatus standbyReplica = Snapshots.from(REPLICA).standbyCluster(true).build();

        @Test
        void standbyLeaderIsLeaderButNeitherPrimaryNorReplica() {
            assertThat(check("/standby-leader", standbyLeader)).isEqualTo(200);
            assertThat(check("/standby_leader", standbyLeader)).isEqualTo(200);
            assertThat(check("/leader", standbyLeader)).isEqualTo(200);
            assertThat(check("/primary", standbyLeader)).isEqualTo(503);
            assertThat(check("/read-write", standbyLeader)).isEqualTo(503);
            assertThat(check("/replica", standbyLeader)).isEqualTo(503);
            assertThat(check("/read-only", standbyLeader)).isEqualTo(200);
            assertThat(check("/read-only-sync", standbyLeader)).isEqualTo(200);
        }

        @Test
        void lockHolderStillReportingReplicaRoleCountsAsStandbyLeader() {
            NodeStatus s = Snapshots.from(standbyLeader).role("replica").build();
            assertThat(check("/standby-leader", s)).isEqualTo(200);
            assertThat(check("/replica", s)).isEqualTo(503);
        }

        @Test
        void standbyReplicaIsAnOrdinaryReplica() {
            assertThat(check("/replica", standbyReplica)).isEqualTo(200);
            assertThat(check("/standby-leader", standbyReplica)).isEqualTo(503);
            assertThat(check("/leader", standbyReplica)).isEqualTo(503);
            assertThat(check("/primary", standbyReplica)).isEqualTo(503);
        }
    }

    @Nested
    class Synchronous {
        private final NodeStatus sync = Snapshots.from(REPLICA).syncStandby(true).build();
        private final NodeStatus quorum = Snapshots.from(REPLICA).quorumStandby(true).build();

        @Test
        void syncStandbyAnswersTheSyncChecks() {
            assertThat(check("/sync", sync)).isEqualTo(200);
            assertThat(check("/synchronous", sync)).isEqualTo(200);
            assertThat(check("/read-only-sync", sync)).isEqualTo(200);
            assertThat(check("/read-only-synchronous", sync)).isEqualTo(200);
            assertThat(check("/async", sync)).isEqualTo(503);
            assertThat(check("/asynchronous", sync)).isEqualTo(503);
            assertThat(check("/replica", sync)).isEqualTo(200);
            assertThat(check("/read-only", sync)).isEqualTo(200);
        }

        @Test
        void aSyncStandbyInModeOnIsNoQuorumStandby() {
            assertThat(check("/quorum", sync)).isEqualTo(503);
            assertThat(check("/read-only-quorum", sync)).isEqualTo(503);
        }

        @Test
        void quorumStandbyAnswersTheQuorumChecksOnly() {
            assertThat(check("/quorum", quorum)).isEqualTo(200);
            assertThat(check("/read-only-quorum", quorum)).isEqualTo(200);
            assertThat(check("/sync", quorum)).as("Patroni 4: /sync is for mode on").isEqualTo(503);
            assertThat(check("/synchronous", quorum)).isEqualTo(503);
            assertThat(check("/read-only-sync", quorum)).isEqualTo(503);
            assertThat(check("/async", quorum)).isEqualTo(503);
            assertThat(check("/asynchronous", quorum)).isEqualTo(503);
            assertThat(check("/replica", quorum)).isEqualTo(200);
            assertThat(check("/read-only", quorum)).isEqualTo(200);
        }

        @Test
        void anUnlistedReplicaIsAsynchronousInEveryMode() {
            for (String path : List.of("/sync", "/synchronous", "/quorum", "/read-only-sync", "/read-only-synchronous",
                    "/read-only-quorum")) {
                assertThat(check(path, REPLICA)).as(path).isEqualTo(503);
            }
            assertThat(check("/async", REPLICA)).isEqualTo(200);
            assertThat(check("/asynchronous", REPLICA)).isEqualTo(200);
        }

        @Test
        void thePrimaryIsReadOnlySyncAndReadOnlyQuorumButNeverAStandby() {
            assertThat(check("/read-only-sync", LEADER)).isEqualTo(200);
            assertThat(check("/read-only-quorum", LEADER)).isEqualTo(200);
            for (String path : List.of("/sync", "/synchronous", "/quorum", "/async", "/asynchronous")) {
                assertThat(check(path, LEADER)).as(path).isEqualTo(503);
            }
        }

        @Test
        void aListedStandbyMustStillBeAHealthyReplica() {
            for (NodeStatus listed : List.of(sync, quorum)) {
                NodeStatus starting = Snapshots.from(listed).state("starting").build();
                NodeStatus lagging = Snapshots.from(listed).clusterOptime(OPTIME + 2 * 1024 * 1024).build();
                NodeStatus hidden = Snapshots.from(listed).tags(Map.of("noloadbalance", true)).build();
                for (String path : List.of("/sync", "/quorum", "/read-only-sync", "/read-only-quorum")) {
                    assertThat(check(path, starting)).as("starting " + path).isEqualTo(503);
                    assertThat(check(path + "?lag=1MB", lagging)).as("lagging " + path).isEqualTo(503);
                    assertThat(check(path, hidden)).as("noloadbalance " + path).isEqualTo(503);
                }
            }
            assertThat(check("/sync?lag=3MB", Snapshots.from(sync).clusterOptime(OPTIME + 2 * 1024 * 1024).build()))
                    .isEqualTo(200);
            assertThat(check("/quorum?lag=3MB", Snapshots.from(quorum).clusterOptime(OPTIME + 2 * 1024 * 1024)
                    .build())).isEqualTo(200);
        }

        @Test
        void tagFiltersApply() {
            NodeStatus tagged = Snapshots.from(quorum).tags(Map.of("rack", "r1")).build();
            assertThat(check("/quorum?tag_rack=r1", tagged)).isEqualTo(200);
            assertThat(check("/quorum?tag_rack=r2", tagged)).isEqualTo(503);
            assertThat(check("/read-only-quorum?tag_rack=r2", tagged)).isEqualTo(503);
            NodeStatus taggedLeader = Snapshots.from(LEADER).tags(Map.of("rack", "r1")).build();
            assertThat(check("/read-only-quorum?tag_rack=r2", taggedLeader)).isEqualTo(503);
            assertThat(check("/read-only-quorum?tag_rack=r1", taggedLeader)).isEqualTo(200);
        }

        @Test
        void withoutTheDcsNobodyIsSynchronousOrAsynchronous() {
            for (NodeStatus s : List.of(sync, quorum, REPLICA, LEADER)) {
                NodeStatus offline = Snapshots.from(s).dcsReachable(false).build();
                for (String path : List.of("/sync", "/quorum", "/async", "/read-only-sync", "/read-only-quorum")) {
                    assertThat(check(path, offline)).as(path).isEqualTo(503);
                }
            }
        }

        @Test
        void standbyLeaderIsReadOnlyQuorum() {
            NodeStatus standbyLeader = Snapshots.from(REPLICA).holdsLock(true).standbyCluster(true)
                    .role("standby_leader").build();
            assertThat(check("/read-only-quorum", standbyLeader)).isEqualTo(200);
            assertThat(check("/quorum", standbyLeader)).isEqualTo(503);
        }

        @Test
        void syncPathsMatchExactlyOnly() {
            assertThat(check("/sync/", sync)).isEqualTo(503);
            assertThat(check("/x/sync", sync)).isEqualTo(503);
            assertThat(check("/quorum/", quorum)).isEqualTo(503);
            assertThat(check("/Quorum", quorum)).isEqualTo(503);
            assertThat(check("/x/read-only-quorum", quorum)).as("neither read-only nor an exact path").isEqualTo(503);
            assertThat(check("/x/read-only-quorum", LEADER)).isEqualTo(503);
        }
    }

    @Nested
    class PostgresNotReady {

        @Test
        void replicaMustBeRunning() {
            NodeStatus starting = Snapshots.from(REPLICA).state("starting").build();
            assertThat(check("/replica", starting)).isEqualTo(503);
            assertThat(check("/read-only", starting)).isEqualTo(503);
            assertThat(check("/health", starting)).isEqualTo(503);
        }

        @Test
        void primaryNeedsTheLockAndAWritablePostgres() {
            // Vigil is stricter than Patroni 3.0.2 here: a lock holder that cannot take writes is not /primary.
            NodeStatus stopped = Snapshots.from(LEADER).state("stopped").postgresPrimary(false).build();
            assertThat(check("/primary", stopped)).isEqualTo(503);
            assertThat(check("/read-write", stopped)).isEqualTo(503);
            assertThat(check("/leader", stopped)).isEqualTo(200);
            assertThat(check("/health", stopped)).isEqualTo(503);

            NodeStatus readOnlyLockHolder = Snapshots.from(LEADER).role("replica").postgresPrimary(false).build();
            assertThat(check("/primary", readOnlyLockHolder)).isEqualTo(503);
            assertThat(check("/replica", readOnlyLockHolder)).isEqualTo(200);
        }
    }

    @Nested
    class Probes {

        @Test
        void livenessFollowsTheLoopUnlessPaused() {
            assertThat(HealthCheck.liveness(LEADER)).isEqualTo(200);
            NodeStatus stuck = Snapshots.from(LEADER).livenessOk(false).build();
            assertThat(HealthCheck.liveness(stuck)).isEqualTo(503);
            assertThat(HealthCheck.liveness(Snapshots.from(stuck).paused(true).build())).isEqualTo(200);
        }

        @Test
        void readinessNeedsTheLockOrARunningNodeWithTheDcs() {
            assertThat(HealthCheck.readiness(LEADER)).isEqualTo(200);
            assertThat(HealthCheck.readiness(REPLICA)).isEqualTo(200);
            assertThat(HealthCheck.readiness(Snapshots.from(LEADER).state("stopped").dcsReachable(false).build()))
                    .isEqualTo(200);
            assertThat(HealthCheck.readiness(Snapshots.from(REPLICA).dcsReachable(false).build())).isEqualTo(503);
            assertThat(HealthCheck.readiness(Snapshots.from(REPLICA).state("starting").build())).isEqualTo(503);
        }
    }

    @Test
    void toleratesMissingPathAndQuery() {
        assertThat(HealthCheck.status(null, null, LEADER)).isEqualTo(503);
        assertThat(HealthCheck.status("/primary", null, LEADER)).isEqualTo(200);
        assertThat(HealthCheck.status("/replica", Map.of("lag", List.of()), REPLICA)).isEqualTo(200);
    }
}
