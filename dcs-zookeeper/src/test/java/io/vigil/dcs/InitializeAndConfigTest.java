package io.vigil.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InitializeAndConfigTest {
    private ZooKeeperFixture zk;
    private ZooKeeperDcs a;
    private ZooKeeperDcs b;

    @BeforeEach
    void start() throws Exception {
        zk = new ZooKeeperFixture("init");
        a = zk.agent("a");
        b = zk.agent("b");
    }

    @AfterEach
    void stop() throws Exception {
        zk.close();
    }

    @Test
    void exactlyOneMemberWinsTheInitializeRace() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Boolean> aWon = CompletableFuture.supplyAsync(() -> attempt(a, go));
        CompletableFuture<Boolean> bWon = CompletableFuture.supplyAsync(() -> attempt(b, go));
        go.countDown();

        assertThat(List.of(aWon.get(), bWon.get())).containsExactlyInAnyOrder(true, false);
        assertThat(zk.raw("initialize")).isEmpty();
        assertThat(zk.stat("initialize").getEphemeralOwner()).as("persistent").isZero();
        assertThat(a.read().initialize()).contains("");
    }

    private static boolean attempt(ZooKeeperDcs dcs, CountDownLatch go) {
        try {
            go.await();
            return dcs.attemptInitialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void setInitializeStoresTheSystemIdentifierWithOrWithoutARace() throws Exception {
        assertThat(a.attemptInitialize()).isTrue();
        a.setInitialize("7363540938751012345");
        assertThat(zk.text("initialize")).isEqualTo("7363540938751012345");
        assertThat(b.read().initialize()).contains("7363540938751012345");

        // A member joining with an existing data directory writes it without ever racing.
        b.deleteCluster();
        b.setInitialize("7363540938751099999");
        assertThat(zk.text("initialize")).isEqualTo("7363540938751099999");
    }

    @Test
    void cancelInitializeGivesUpTheClaim() throws Exception {
        assertThat(a.attemptInitialize()).isTrue();

        a.cancelInitialize();

        assertThat(a.read().initialize()).isEmpty();
        assertThat(b.attemptInitialize()).isTrue();
        a.cancelInitialize();
        a.cancelInitialize();
        assertThat(zk.exists("initialize")).isFalse();
    }

    @Test
    void writeConfigCreatesCompactJsonInTheGivenKeyOrder() throws Exception {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("ttl", 30);
        config.put("loop_wait", 10);
        config.put("retry_timeout", 10);
        config.put("postgresql", Map.of("use_pg_rewind", true));

        assertThat(a.writeConfig(config, OptionalInt.empty())).isTrue();

        assertThat(zk.text("config"))
                .isEqualTo("{\"ttl\":30,\"loop_wait\":10,\"retry_timeout\":10,\"postgresql\":{\"use_pg_rewind\":true}}");
        ConfigNode read = b.read().config().orElseThrow();
        assertThat(read.version()).isZero();
        assertThat(read.data()).containsEntry("ttl", 30L).containsEntry("postgresql", Map.of("use_pg_rewind", true));
        assertThat(read.data().keySet()).containsExactly("ttl", "loop_wait", "retry_timeout", "postgresql");
    }

    @Test
    void writeConfigWithAStaleVersionIsRejected() throws Exception {
        a.writeConfig(Map.of("ttl", 30), OptionalInt.empty());
        a.writeConfig(Map.of("ttl", 31), OptionalInt.empty());
        int version = b.read().config().orElseThrow().version();
        assertThat(version).isEqualTo(1);

        assertThat(a.writeConfig(Map.of("ttl", 32), OptionalInt.of(version))).isTrue();
        assertThat(b.writeConfig(Map.of("ttl", 33), OptionalInt.of(version))).isFalse();

        assertThat(zk.text("config")).isEqualTo("{\"ttl\":32}");
        assertThat(zk.stat("config").getVersion()).isEqualTo(2);
    }

    @Test
    void versionZeroIsWrittenUnconditionallyLikePatroni() throws Exception {
        a.writeConfig(Map.of("ttl", 30), OptionalInt.empty());
        // b read version 0; a changes it meanwhile.
        int seenByB = b.read().config().orElseThrow().version();
        a.writeConfig(Map.of("ttl", 31), OptionalInt.of(seenByB));
        assertThat(zk.stat("config").getVersion()).isEqualTo(1);

        assertThat(b.writeConfig(Map.of("ttl", 40), OptionalInt.of(seenByB))).isTrue();

        assertThat(zk.text("config")).isEqualTo("{\"ttl\":40}");
    }

    @Test
    void writeConfigWithAVersionDoesNotCreateAMissingKey() throws Exception {
        assertThat(a.writeConfig(Map.of("ttl", 30), OptionalInt.of(3))).isFalse();
        assertThat(zk.exists("config")).isFalse();

        assertThat(a.writeConfig(Map.of("ttl", 30), OptionalInt.of(0))).isTrue();
        assertThat(zk.exists("config")).isTrue();
    }

    @Test
    void failoverIsWrittenClearedAndProtectedByItsVersion() throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("leader", "a");
        request.put("member", "b");
        a.writeFailover(request, OptionalInt.empty());
        assertThat(zk.text("failover")).isEqualTo("{\"leader\":\"a\",\"member\":\"b\"}");
        FailoverNode pending = b.read().failover().orElseThrow();
        assertThat(pending.leader()).contains("a");
        assertThat(pending.member()).contains("b");

        // A newer request arrives before the cleanup, which must not wipe it.
        a.writeFailover(Map.of("member", "a"), OptionalInt.empty());
        a.writeFailover(Map.of("member", "c"), OptionalInt.empty());
        b.writeFailover(Map.of(), OptionalInt.of(1));
        assertThat(zk.text("failover")).isEqualTo("{\"member\":\"c\"}");

        b.writeFailover(Map.of(), OptionalInt.of(b.read().failover().orElseThrow().version()));
        assertThat(zk.text("failover")).isEqualTo("{}");
        assertThat(a.read().failover()).isEmpty();
    }

    @Test
    void historyIsWrittenAsCompactJsonAndReadBack() throws Exception {
        List<List<Object>> history = List.of(
                List.of(1, 25165984L, "no recovery target specified", "2024-04-30T10:00:01.123456+02:00", "a"),
                List.of(2, 50331808L, "no recovery target specified", "2024-04-30T11:15:42.456789+02:00", "b"));

        a.writeHistory(history);

        assertThat(zk.text("history")).isEqualTo("[[1,25165984,\"no recovery target specified\","
                + "\"2024-04-30T10:00:01.123456+02:00\",\"a\"],[2,50331808,\"no recovery target specified\","
                + "\"2024-04-30T11:15:42.456789+02:00\",\"b\"]]");
        ClusterView view = b.read();
        assertThat(view.historyPresent()).isTrue();
        assertThat(view.history()).hasSize(2);
        assertThat(view.history().get(1)).containsExactly(2L, 50331808L, "no recovery target specified",
                "2024-04-30T11:15:42.456789+02:00", "b");
    }

    @Test
    void statusIsOnlyWrittenWhenTheOptimeChanged() throws Exception {
        a.writeStatus(100, Map.of());
        int version = zk.stat("status").getVersion();

        a.writeStatus(100, Map.of());
        assertThat(zk.stat("status").getVersion()).isEqualTo(version);

        a.writeStatus(101, Map.of());
        assertThat(zk.stat("status").getVersion()).isEqualTo(version + 1);
        assertThat(zk.text("status")).isEqualTo("{\"optime\":101}");
    }

    @Test
    void statusCarriesPermanentSlotPositionsAndPeersReadThem() throws Exception {
        a.writeStatus(100, Map.of("cdc", 90L, "archiver", 80L));
        assertThat(zk.text("status")).isEqualTo("{\"optime\":100,\"slots\":{\"archiver\":80,\"cdc\":90}}");
        int version = zk.stat("status").getVersion();
        a.writeStatus(100, Map.of("cdc", 95L, "archiver", 80L));
        assertThat(zk.stat("status").getVersion()).as("a slot moved").isEqualTo(version + 1);
        assertThat(b.read().statusSlots()).containsExactlyInAnyOrderEntriesOf(Map.of("cdc", 95L, "archiver", 80L));

        zk.put("status", "{\"optime\":100,\"slots\":{\"cdc\":\"garbage\",\"ok\":7}}");
        assertThat(b.read().statusSlots()).as("unparseable entries are left out").containsExactly(Map.entry("ok", 7L));
    }

    @Test
    void deleteClusterRemovesTheWholeTree() throws Exception {
        a.attemptInitialize();
        a.touchMember(Map.of("state", "running"));
        a.attemptLeader();
        a.writeConfig(Map.of("ttl", 30), OptionalInt.empty());

        b.deleteCluster();

        assertThat(zk.stat("")).as("base path " + zk.base).isNull();
        assertThat(a.read()).isEqualTo(ClusterView.empty());
        b.deleteCluster();
        // The member znode comes back on the next touch.
        a.touchMember(Map.of("state", "running"));
        assertThat(zk.exists("members/a")).isTrue();
    }
}
