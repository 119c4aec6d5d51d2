package io.vigil.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeaderLockTest {
    private ZooKeeperFixture zk;
    private ZooKeeperDcs a;
    private ZooKeeperDcs b;

    @BeforeEach
    void start() throws Exception {
        zk = new ZooKeeperFixture("lock");
        a = zk.agent("a");
        b = zk.agent("b");
    }

    @AfterEach
    void stop() throws Exception {
        zk.close();
    }

    @Test
    void exactlyOneOfTwoRacersGetsTheLockWhichHoldsItsBareName() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Boolean> aWon = CompletableFuture.supplyAsync(() -> race(a, go));
        CompletableFuture<Boolean> bWon = CompletableFuture.supplyAsync(() -> race(b, go));
        go.countDown();

        assertThat(List.of(aWon.get(), bWon.get())).containsExactlyInAnyOrder(true, false);
        ZooKeeperDcs winner = aWon.get() ? a : b;
        ZooKeeperDcs loser = aWon.get() ? b : a;
        String winnerName = aWon.get() ? "a" : "b";
        assertThat(zk.text("leader")).isEqualTo(winnerName);
        assertThat(zk.stat("leader").getEphemeralOwner()).isEqualTo(winner.sessionId());

        ClusterView view = loser.read();
        assertThat(view.leader()).contains(new LeaderNode(winnerName, winner.sessionId(), 0));
        assertThat(view.isLockedBy(winnerName)).isTrue();
        assertThat(winner.refreshLeader(view)).isTrue();
        assertThat(loser.refreshLeader(view)).isFalse();
        assertThat(loser.attemptLeader()).isFalse();
    }

    private static boolean race(ZooKeeperDcs dcs, CountDownLatch go) {
        try {
            go.await();
            return dcs.attemptLeader();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void whenTheHolderGoesAwayTheOtherIsWokenAndCanTakeTheLock() throws Exception {
        assertThat(a.attemptLeader()).isTrue();
        AtomicInteger wakeUps = new AtomicInteger();
        b.onChange(wakeUps::incrementAndGet);
        ClusterView before = b.read();
        assertThat(before.isLockedBy("a")).isTrue();
        int seen = wakeUps.get();

        a.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> wakeUps.get() > seen);
        assertThat(b.read().leader()).isEmpty();
        assertThat(b.attemptLeader()).isTrue();
        assertThat(zk.text("leader")).isEqualTo("b");
    }

    @Test
    void refreshReclaimsALockWithMyNameOwnedByAnotherSession() throws Exception {
        // A previous incarnation of agent "a" whose session has not expired yet.
        zk.putEphemeral("leader", "a");
        ClusterView view = a.read();
        assertThat(view.leader().orElseThrow().session()).isEqualTo(zk.inspectorSession());

        assertThat(a.refreshLeader(view)).isTrue();

        assertThat(zk.text("leader")).isEqualTo("a");
        assertThat(zk.stat("leader").getEphemeralOwner()).isEqualTo(a.sessionId());
        assertThat(a.refreshLeader(a.read())).isTrue();
    }

    @Test
    void refreshIsFalseWhenSomeoneElseHoldsTheLock() throws Exception {
        zk.putEphemeral("leader", "b");

        assertThat(a.refreshLeader(a.read())).isFalse();
        assertThat(zk.text("leader")).isEqualTo("b");
    }

    @Test
    void refreshIsFalseWhenTheViewHasNoLock() throws Exception {
        assertThat(a.refreshLeader(a.read())).isFalse();
        assertThat(zk.exists("leader")).isFalse();
    }

    @Test
    void refreshDoesNotTrustAStaleViewThatSomebodyElseOverturned() throws Exception {
        zk.putEphemeral("leader", "a");
        ClusterView stale = a.read();
        // The old incarnation's session ends and b wins the race before a's next cycle.
        zk.delete("leader");
        assertThat(b.attemptLeader()).isTrue();

        assertThat(a.refreshLeader(stale)).isFalse();

        assertThat(zk.text("leader")).isEqualTo("b");
        assertThat(zk.stat("leader").getEphemeralOwner()).isEqualTo(b.sessionId());
    }

    @Test
    void refreshRetakesItsOwnVanishedLockIfNobodyElseHasIt() throws Exception {
        zk.putEphemeral("leader", "a");
        ClusterView stale = a.read();
        zk.delete("leader");

        assertThat(a.refreshLeader(stale)).isTrue();

        assertThat(zk.stat("leader").getEphemeralOwner()).isEqualTo(a.sessionId());
    }

    @Test
    void releaseWritesTheLastOptimeThenDeletesTheLockButKeepsTheMember() throws Exception {
        a.touchMember(Map.of("state", "running", "role", "master"));
        assertThat(a.attemptLeader()).isTrue();

        a.releaseLeader(OptionalLong.of(83886440L));

        assertThat(zk.text("status")).isEqualTo("{\"optime\":83886440}");
        assertThat(zk.exists("leader")).isFalse();
        assertThat(zk.exists("members/a")).isTrue();
        ClusterView view = b.read();
        assertThat(view.optime()).hasValue(83886440L);
        assertThat(view.leader()).isEmpty();
    }

    @Test
    void releaseNeverDeletesSomebodyElsesLock() throws Exception {
        assertThat(b.attemptLeader()).isTrue();

        a.releaseLeader(OptionalLong.empty());

        assertThat(zk.text("leader")).isEqualTo("b");
        assertThat(zk.exists("status")).isFalse();
    }
}
