package io.vigil.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.client.FourLetterWordMain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClusterReadTest {
    private ZooKeeperFixture zk;
    private ZooKeeperDcs node1;

    @BeforeEach
    void start() throws Exception {
        zk = new ZooKeeperFixture("x");
        node1 = zk.agent("node1");
    }

    @AfterEach
    void stop() throws Exception {
        zk.close();
    }

    @Test
    void anAbsentClusterReadsAsEmpty() throws Exception {
        ClusterView view = node1.read();

        assertThat(view).isEqualTo(ClusterView.empty());
        assertThat(view.historyPresent()).isFalse();
        assertThat(view.leaderMember()).isEmpty();
    }

    @Test
    void readsEveryKeyPatroniWrites() throws Exception {
        ZooKeeperDcs node2 = zk.agent("node2");
        zk.put("initialize", "7363540938751012345");
        zk.put("config", "{\"ttl\": 30, \"loop_wait\": 10}");
        zk.put("history", "[[1,25165984,\"no recovery target specified\",\"2024-04-30T10:00:01+02:00\",\"node1\"]]");
        zk.put("status", "{\"optime\":83886440,\"slots\":{\"debezium\":83881000},\"retain_slots\":[\"node2\"]}");
        zk.put("failover", "{\"leader\":\"node1\",\"member\":\"node2\",\"scheduled_at\":\"2024-05-01T03:00:00+00:00\"}");
        node2.touchMember(Map.of("role", "replica", "state", "running", "conn_url", "postgres://10.0.0.12:5433/postgres"));
        node1.touchMember(Map.of("role", "master", "state", "running", "xlog_location", 83886440L, "timeline", 2,
                "api_url", "http://10.0.0.11:8008/patroni", "tags", Map.of("nofailover", true)));
        assertThat(node1.attemptLeader()).isTrue();

        ClusterView view = node2.read();

        assertThat(view.initialize()).contains("7363540938751012345");
        assertThat(view.config().orElseThrow().data()).containsEntry("ttl", 30L).containsEntry("loop_wait", 10L);
        assertThat(view.history()).containsExactly(
                List.of(1L, 25165984L, "no recovery target specified", "2024-04-30T10:00:01+02:00", "node1"));
        assertThat(view.optime()).hasValue(83886440L);
        assertThat(view.failover()).contains(new FailoverNode(java.util.Optional.of("node1"),
                java.util.Optional.of("node2"), java.util.Optional.of("2024-05-01T03:00:00+00:00"), 0));
        assertThat(view.members()).extracting(MemberNode::name).containsExactly("node1", "node2");
        assertThat(view.leader()).contains(new LeaderNode("node1", node1.sessionId(), 0));
        MemberNode leader = view.leaderMember().orElseThrow();
        assertThat(leader.session()).isEqualTo(node1.sessionId());
        assertThat(leader.role()).contains("master");
        assertThat(leader.xlogLocation()).hasValue(83886440L);
        assertThat(leader.timeline()).hasValue(2);
        assertThat(leader.apiUrl()).contains("http://10.0.0.11:8008/patroni");
        assertThat(leader.tagTrue("nofailover")).isTrue();
        assertThat(view.member("node2").orElseThrow().pgAddress()).contains(new HostPortValue("10.0.0.12", 5433));
    }

    @Test
    void garbageInAnyKeyDegradesToEmptyValues() throws Exception {
        zk.put("members/m", "not json");
        zk.put("members/n", "[1,2,3]");
        zk.put("status", "garbage");
        zk.put("config", "[1,2");
        zk.put("history", "{\"not\":\"a list\"}");
        zk.put("failover", "garbage");
        zk.put("leader", "");
        zk.put("initialize", "");

        ClusterView view = node1.read();

        assertThat(view.members()).extracting(MemberNode::name).containsExactly("m", "n");
        assertThat(view.members()).allSatisfy(m -> {
            assertThat(m.data()).isEmpty();
            assertThat(m.role()).isEmpty();
            assertThat(m.xlogLocation()).isEmpty();
            assertThat(m.pgAddress()).isEmpty();
        });
        assertThat(view.optime()).isEmpty();
        assertThat(view.config().orElseThrow().data()).isEmpty();
        assertThat(view.history()).isEmpty();
        assertThat(view.historyPresent()).isTrue();
        assertThat(view.failover()).isEmpty();
        assertThat(view.leader().orElseThrow().name()).isEmpty();
        assertThat(view.initialize()).contains("");
    }

    @Test
    void failsafeIsWrittenCompactAndReadBackGarbageAsAbsent() throws Exception {
        assertThat(node1.read().failsafe()).isEmpty();
        ZooKeeperDcs node2 = zk.agent("node2");
        node1.writeFailsafe(java.util.Map.of("node2", "http://127.0.0.1:8009/patroni",
                "node1", "http://127.0.0.1:8008/patroni"));
        assertThat(node2.read().failsafe()).contains(java.util.Map.of("node1", "http://127.0.0.1:8008/patroni",
                "node2", "http://127.0.0.1:8009/patroni"));
        zk.put("failsafe", "garbage");
        assertThat(node2.read().failsafe()).isEmpty();
    }

    @Test
    void syncIsAbsentUntilWrittenThenReadWithItsVersion() throws Exception {
        assertThat(node1.read().sync()).isEmpty();

        zk.put("sync", "{\"leader\":\"node1\",\"sync_standby\":\"node2,node3\"}");
        SyncNode sync = node1.read().sync().orElseThrow();
        assertThat(sync.leader()).contains("node1");
        assertThat(sync.standbys()).containsExactly("node2", "node3");
        assertThat(sync.version()).isZero();

        zk.put("sync", "not json");
        assertThat(node1.read().sync()).contains(SyncNode.empty(1));
        zk.put("sync", "{}");
        assertThat(node1.read().sync()).contains(switchedOff(2));
    }

    @Test
    void writeSyncCreatesThenCompareAndSets() throws Exception {
        ZooKeeperDcs node2 = zk.agent("node2");
        node1.writeSync(SyncNode.value("node1", List.of("node3", "node2"), OptionalInt.empty()), OptionalInt.empty());
        assertThat(zk.text("sync"))
                .isEqualTo("{\"leader\":\"node1\",\"sync_standby\":\"node2,node3\"}");

        node1.writeSync(SyncNode.value("node1", List.of("node2"), OptionalInt.empty()), OptionalInt.empty());
        SyncNode seen = node2.read().sync().orElseThrow();
        assertThat(seen.version()).isEqualTo(1);
        node1.writeSync(SyncNode.value("node1", List.of("node2"), OptionalInt.of(1)), OptionalInt.of(seen.version()));
        assertThat(node1.read().sync().orElseThrow().quorum()).hasValue(1);

        assertThatThrownBy(() -> node2.writeSync(SyncNode.off(), OptionalInt.of(seen.version())))
                .isInstanceOf(DcsException.class).hasMessageContaining("sync key changed since version 1");
        assertThat(node1.read().sync().orElseThrow().standbys()).containsExactly("node2");

        node1.writeSync(SyncNode.off(), OptionalInt.of(2));
        assertThat(zk.text("sync")).isEqualTo("{}");
        assertThat(node2.read().sync()).as("what a leader writes when synchronous mode goes off").contains(switchedOff(3));

        zk.delete("sync");
        assertThatThrownBy(() -> node1.writeSync(SyncNode.off(), OptionalInt.of(3))).isInstanceOf(DcsException.class);
        assertThat(node1.read().sync()).isEmpty();
    }

    @Test
    void clearedFailoverReadsAsNothingPending() throws Exception {
        zk.put("failover", "{}");
        assertThat(node1.read().failover()).isEmpty();

        zk.put("failover", "{\"scheduled_at\":\"2024-05-01T03:00:00+00:00\"}");
        assertThat(node1.read().failover()).isEmpty();
    }

    @Test
    void legacyOptimeIsUsedOnlyWithoutStatus() throws Exception {
        zk.put("optime/leader", "12345");
        assertThat(node1.read().optime()).hasValue(12345L);

        zk.put("status", "{\"optime\":67890}");
        assertThat(node1.read().optime()).hasValue(67890L);

        zk.put("status", "{\"slots\":{}}");
        assertThat(node1.read().optime()).isEmpty();
    }

    @Test
    void aLockWithoutAMemberZnodeHasNoLeaderMember() throws Exception {
        zk.putEphemeral("leader", "ghost");

        ClusterView view = node1.read();

        assertThat(view.isLockedBy("ghost")).isTrue();
        assertThat(view.leaderMember()).isEmpty();
    }

    @Test
    void watchedChangesWakeTheLoop() throws Exception {
        AtomicInteger wakeUps = new AtomicInteger();
        node1.onChange(wakeUps::incrementAndGet);
        zk.put("config", "{}");
        zk.put("members/node9", "{}");

        assertWokenBy(wakeUps, () -> zk.put("config", "{\"ttl\":31}"));
        assertWokenBy(wakeUps, () -> zk.putEphemeral("members/node7", "{}"));
        assertWokenBy(wakeUps, () -> zk.putEphemeral("leader", "node7"));
        assertWokenBy(wakeUps, () -> zk.put("failover", "{\"member\":\"node7\"}"));
        assertWokenBy(wakeUps, () -> zk.put("status", "{\"optime\":1}"));
        assertWokenBy(wakeUps, () -> zk.put("sync", "{\"leader\":\"node7\",\"sync_standby\":\"node1\"}"));
        assertWokenBy(wakeUps, () -> zk.put("sync", "{}"));
        assertWokenBy(wakeUps, () -> zk.delete("leader"));
    }

    private interface Change {
        void apply() throws Exception;
    }

    /** Re-arms the watches with a read, as every HA cycle does, then expects the change to wake the loop. */
    private void assertWokenBy(AtomicInteger wakeUps, Change change) throws Exception {
        node1.read();
        int before = wakeUps.get();
        change.apply();
        await().atMost(Duration.ofSeconds(10)).until(() -> wakeUps.get() > before);
    }

    @Test
    void readsArmDataWatchesButTheLeaderDoesNotWatchItsOwnStatusNorAnyMemberData() throws Exception {
        ZooKeeperDcs node2 = zk.agent("node2");
        node1.touchMember(Map.of("state", "running"));
        node2.touchMember(Map.of("state", "running"));
        node1.writeConfig(Map.of("ttl", 30), OptionalInt.empty());
        assertThat(node1.attemptLeader()).isTrue();
        node1.writeStatus(42, Map.of());
        node1.writeSync(SyncNode.value("node1", List.of("node2"), OptionalInt.empty()), OptionalInt.empty());

        node1.read();
        node2.read();

        Map<String, Set<Long>> watches = dataWatchesByPath();
        assertThat(watches.get(zk.path("leader"))).contains(node1.sessionId(), node2.sessionId());
        assertThat(watches.get(zk.path("config"))).contains(node1.sessionId(), node2.sessionId());
        assertThat(watches.get(zk.path("status"))).containsExactly(node2.sessionId());
        assertThat(watches.get(zk.path("sync"))).containsExactly(node2.sessionId());
        assertThat(watches).doesNotContainKeys(zk.path("members/node1"), zk.path("members/node2"));
    }

    /** The server's data-watch table ({@code wchp}; child watches are not listed): path → watching sessions. */
    private Map<String, Set<Long>> dataWatchesByPath() throws Exception {
        String dump = FourLetterWordMain.send4LetterWord("127.0.0.1", zk.server.getPort(), "wchp");
        Map<String, Set<Long>> watches = new HashMap<>();
        String current = null;
        for (String line : dump.split("\n")) {
            if (line.startsWith("/")) {
                current = line.strip();
                watches.put(current, new HashSet<>());
            } else if (current != null && line.strip().startsWith("0x")) {
                watches.get(current).add(Long.parseUnsignedLong(line.strip().substring(2), 16));
            }
        }
        return watches;
    }

    @Test
    void membersAreSortedAndKeepTheirDataOrder() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("z", 1);
        data.put("a", 2);
        zk.put("members/zeta", "{\"z\":1,\"a\":2}");
        zk.put("members/alpha", "{}");
        zk.put("members/mid", "{}");

        ClusterView view = node1.read();

        assertThat(view.members()).extracting(MemberNode::name).containsExactly("alpha", "mid", "zeta");
        assertThat(view.member("zeta").orElseThrow().data().keySet()).containsExactlyElementsOf(data.keySet());
    }

    private static SyncNode switchedOff(int version) {
        return new SyncNode(Optional.empty(), List.of(), OptionalInt.empty(), version, true);
    }
}
