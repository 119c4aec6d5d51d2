package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ZooKeeper model: sessions expire a timeout after the last contact, never while the ensemble is down. */
class SimZooKeeperTest {

  private final SimClock clock = new SimClock();
  private final SimZooKeeper zk = new SimZooKeeper(clock, new Trace());
  private final List<Integer> fired = new ArrayList<>();

  @Test
  void aSessionOutOfContactExpiresAfterItsTimeoutAndTakesItsEphemeralsAlong() {
    ZkSession s = zk.open("node1", 30_000);
    zk.create(SimZooKeeper.LEADER, "node1", s.id);
    zk.addWatcher(fired::add);

    zk.contact(s, false);
    runUntil(29_999);
    assertThat(zk.alive(s.id)).isTrue();
    runUntil(30_000);

    assertThat(zk.alive(s.id)).isFalse();
    assertThat(zk.get(SimZooKeeper.LEADER)).isEmpty();
    assertThat(fired).containsExactly(Watch.BASE_CHILDREN.bit() | Watch.LEADER.bit());
  }

  @Test
  void contactAgainInTimeKeepsTheSession() {
    ZkSession s = zk.open("node1", 30_000);
    zk.contact(s, false);
    runUntil(20_000);
    zk.contact(s, true);
    runUntil(60_000);

    assertThat(zk.alive(s.id)).isTrue();
  }

  @Test
  void anOutageDefersExpiryAndRestartsTheTimers() {
    ZkSession s = zk.open("node1", 30_000);
    zk.contact(s, false);
    runUntil(10_000);
    zk.setUp(false);
    runUntil(50_000);
    assertThat(zk.alive(s.id)).as("nothing expires while the ensemble is down").isTrue();

    zk.setUp(true);
    runUntil(79_999);
    assertThat(zk.alive(s.id)).isTrue();
    runUntil(80_000);
    assertThat(zk.alive(s.id)).isFalse();
  }

  @Test
  void versionZeroWritesUnconditionallyOtherVersionsCompareAndSet() {
    zk.put(SimZooKeeper.FAILOVER, Map.of("leader", "node1"));
    zk.put(SimZooKeeper.FAILOVER, Map.of("leader", "node2"));

    assertThat(zk.setIfVersion(SimZooKeeper.FAILOVER, Map.of(), 0)).isTrue();
    assertThat(zk.setIfVersion(SimZooKeeper.FAILOVER, Map.of(), 1)).isFalse();
    assertThat(zk.setIfVersion(SimZooKeeper.FAILOVER, Map.of(), 2)).isTrue();
  }

  /** Runs every event up to {@code time} and leaves the clock there. */
  private void runUntil(long time) {
    clock.at(time, () -> { });
    while (clock.step(time)) {
      assertThat(clock.now()).isLessThanOrEqualTo(time);
    }
  }
}
