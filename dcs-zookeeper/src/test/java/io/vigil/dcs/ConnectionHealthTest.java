package io.vigil.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

class ConnectionHealthTest {
    /** Timing of the agents in this class: retry_timeout 3 s, and loop_wait 4 s → 2 s liveness timeout. */
    private static final int RETRY_TIMEOUT = 3;
    private static final int LOOP_WAIT = 4;
    private static final long SLACK_MS = 2500;

    @Test
    void stoppedServerMakesReadsFailWithinRetryTimeoutAndHealthSuspendedUntilItIsBack() throws Exception {
        try (ZooKeeperFixture zk = new ZooKeeperFixture("down")) {
            ZooKeeperDcs dcs = zk.agent(new ZooKeeperDcsSettings(zk.server.getConnectString(), zk.base, "node1",
                    30, LOOP_WAIT, RETRY_TIMEOUT));
            AtomicInteger wakeUps = new AtomicInteger();
            dcs.onChange(wakeUps::incrementAndGet);
            dcs.touchMember(Map.of("state", "running"));
            long session = dcs.sessionId();
            int before = wakeUps.get();

            zk.server.stop();

            await().atMost(Duration.ofSeconds(5)).until(() -> dcs.health() == DcsHealth.SUSPENDED);
            assertThat(wakeUps.get()).isGreaterThan(before);
            long started = System.currentTimeMillis();
            assertThatThrownBy(dcs::read).isInstanceOf(DcsException.class)
                    .hasMessageContaining("read cluster").hasMessageNotContaining("\n");
            assertThat(System.currentTimeMillis() - started).isLessThan(RETRY_TIMEOUT * 1000L + SLACK_MS);
            assertThatThrownBy(() -> dcs.touchMember(Map.of("state", "stopped"))).isInstanceOf(DcsException.class);

            zk.server.restart();

            await().atMost(Duration.ofSeconds(20)).until(() -> dcs.health() == DcsHealth.CONNECTED);
            assertThat(dcs.sessionId()).as("the session survived the outage").isEqualTo(session);
            assertThat(dcs.read().member("node1")).isPresent();
            assertThat(dcs.lastContactMillis()).isGreaterThanOrEqualTo(started);
        }
    }

    @Test
    void aSilentServerIsNoticedAfterTheLivenessTimeoutNotTwoThirdsOfTheSession() throws Exception {
        try (ZooKeeperFixture zk = new ZooKeeperFixture("silent");
             FreezableProxy proxy = new FreezableProxy(zk.server.getPort())) {
            // ttl 30: the stock client would need 20 s to give up on a silent server.
            ZooKeeperDcs dcs = zk.agent(new ZooKeeperDcsSettings(proxy.connectString(), zk.base, "node1",
                    30, LOOP_WAIT, RETRY_TIMEOUT));
            dcs.touchMember(Map.of("state", "running"));
            long session = dcs.sessionId();
            await().atMost(Duration.ofSeconds(5)).until(() -> dcs.lastContactMillis() > 0);

            long frozenAt = System.currentTimeMillis();
            proxy.freeze();

            await().atMost(Duration.ofSeconds(6)).until(() -> dcs.health() == DcsHealth.SUSPENDED);
            long detectedAfter = System.currentTimeMillis() - frozenAt;
            assertThat(detectedAfter).isLessThan(20_000);
            assertThat(dcs.lastContactMillis()).isLessThanOrEqualTo(frozenAt + 1000);
            long started = System.currentTimeMillis();
            assertThatThrownBy(dcs::read).isInstanceOf(DcsException.class);
            assertThat(System.currentTimeMillis() - started).isLessThan(RETRY_TIMEOUT * 1000L + SLACK_MS);

            proxy.thaw();

            await().atMost(Duration.ofSeconds(15)).until(() -> dcs.health() == DcsHealth.CONNECTED);
            assertThat(dcs.sessionId()).isEqualTo(session);
            assertThat(zk.stat("members/node1").getEphemeralOwner()).isEqualTo(session);
            await().atMost(Duration.ofSeconds(5)).until(() -> dcs.lastContactMillis() > started);
        }
    }

    @Test
    void aSessionThatExpiresWhileDisconnectedIsReportedLostAndReplaced() throws Exception {
        // tickTime 500 ms lets the server grant a 2 s session.
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 500, -1);
        try (ZooKeeperFixture zk = new ZooKeeperFixture(new TestingServer(spec, true), "expiry")) {
            ZooKeeperDcs dcs = zk.agent(new ZooKeeperDcsSettings(zk.server.getConnectString(), zk.base, "node1",
                    2, 1, 1));
            long oldSession = dcs.sessionId();

            zk.server.stop();

            await().atMost(Duration.ofSeconds(15)).until(() -> dcs.health() == DcsHealth.LOST);
            assertThat(dcs.sessionId()).isZero();

            zk.server.restart();

            await().atMost(Duration.ofSeconds(20)).until(() -> dcs.health() == DcsHealth.CONNECTED);
            assertThat(dcs.sessionId()).isNotZero().isNotEqualTo(oldSession);
            dcs.touchMember(Map.of("state", "running"));
            assertThat(zk.stat("members/node1").getEphemeralOwner()).isEqualTo(dcs.sessionId());
        }
    }

    @Test
    void connectReturnsAtOnceEvenWithoutAServerAndOperationsFailInBoundedTime() throws Exception {
        int unusedPort = InstanceSpec.getRandomPort();
        long started = System.currentTimeMillis();
        try (ZooKeeperDcs dcs = ZooKeeperDcs.connect(new ZooKeeperDcsSettings("127.0.0.1:" + unusedPort,
                "/service/none", "node1", 30, LOOP_WAIT, RETRY_TIMEOUT))) {
            assertThat(System.currentTimeMillis() - started).isLessThan(2000);
            assertThat(dcs.health()).isEqualTo(DcsHealth.LOST);
            assertThat(dcs.sessionId()).isZero();
            assertThat(dcs.lastContactMillis()).isZero();

            assertThatThrownBy(dcs::read).isInstanceOf(DcsException.class).hasMessageContaining("retry_timeout");
            assertThatThrownBy(dcs::attemptLeader).isInstanceOf(DcsException.class);
            assertThat(System.currentTimeMillis() - started).isLessThan(2 * (RETRY_TIMEOUT * 1000L + SLACK_MS));
        }
    }
}
