package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The findings of synchronous replication, each as the hand-made schedule with the fewest faults that showed it (the
 * seeds of the random schedules that found them are in the README), kept as regression tests of their fixes.
 */
class SyncFindingsTest {

  private static final Fault.Target PRIMARY = new Fault.Target(0, true);

  /**
   * Synchronous mode off, the leader cut off from ZooKeeper and its peers, synchronous mode on again: the {@code {}}
   * the leader wrote into {@code /sync} when the mode went off stays; no node could ever take the lock until it was
   * read as what it is (synchronous mode was off: no standby holds commits the others lack).
   */
  @Test
  void aSyncRecordLeftByModeOffNoLongerBlocksEveryFailoverOnceTheModeIsBack() {
    Schedule s = new Schedule(List.of(new Fault.SyncModeChange(100_000, SyncSetup.Mode.OFF, 1),
        new Fault.Partition(PRIMARY, true, true, 150_000, 100_000),
        new Fault.SyncModeChange(160_000, SyncSetup.Mode.ON, 1)), new SyncSetup(SyncSetup.Mode.ON, 1));

    ScheduleResult r = Simulation.run(1, RunOptions.defaults(), DecisionCore.HA_CORE, s);

    assertThat(r.violation()).as("SYNC_OFF_RECORD_BLOCKS_FAILOVER: a replica takes over under /sync {}%n%s",
        r.renderTrace()).isEmpty();
  }

  /**
   * Synchronous mode switched on, and the leader's agent frozen right after it decided to claim {@code /sync}, for
   * longer than ttl: thawed, it wrote {@code /sync} naming itself as leader, through a new session, with the lock
   * gone, until the executors dropped what was decided under another session.
   */
  @Test
  void aLeaderFrozenBeforeItsSyncWriteDoesNotWriteItAfterItsSessionExpired() {
    Schedule s = new Schedule(List.of(new Fault.SyncModeChange(100_000, SyncSetup.Mode.OFF, 1),
        new Fault.SyncModeChange(150_000, SyncSetup.Mode.ON, 1), new Fault.AgentPause(PRIMARY, 150_007, 40_000)),
        new SyncSetup(SyncSetup.Mode.ON, 1));

    ScheduleResult r = Simulation.run(1, RunOptions.defaults(), DecisionCore.HA_CORE, s);

    assertThat(r.violation()).as("SYNC_WRITTEN_AFTER_LEASE: the thawed agent drops the decision of its old session%n%s",
        r.renderTrace()).isEmpty();
    assertThat(r.renderTrace()).contains("ZooKeeper session changed since the decision");
  }
}
