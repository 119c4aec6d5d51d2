package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The open findings of synchronous replication, each reproduced by a hand-made schedule with the fewest faults
 * that shows it (the seeds of the random schedules that found them are in the README). When the core is fixed,
 * make each test assert that the run keeps every invariant, and remove the finding from
 * {@code SimulationTest.OPEN_FINDINGS}.
 */
class OpenFindingsTest {

  private static final Fault.Target PRIMARY = new Fault.Target(0, true);

  /**
   * Synchronous mode off, the leader cut off from ZooKeeper and its peers, synchronous mode on again: the {@code {}}
   * the leader wrote into {@code /sync} when the mode went off stays, and no node may ever take the lock.
   */
  @Test
  void aSyncRecordLeftByModeOffBlocksEveryFailoverOnceTheModeIsBack() {
    Schedule s = new Schedule(List.of(new Fault.SyncModeChange(100_000, SyncSetup.Mode.OFF, 1),
        new Fault.Partition(PRIMARY, true, true, 150_000, 100_000),
        new Fault.SyncModeChange(160_000, SyncSetup.Mode.ON, 1)), new SyncSetup(SyncSetup.Mode.ON, 1));

    ScheduleResult r = Simulation.run(1, RunOptions.defaults(), DecisionCore.HA_CORE, s);

    System.out.println(r.renderTrace());
    assertThat(r.violation()).hasValueSatisfying(v -> {
      assertThat(v.invariant()).isEqualTo(Invariant.CONVERGES);
      assertThat(v.findings()).containsExactly(Finding.SYNC_OFF_RECORD_BLOCKS_FAILOVER);
    });
  }

  /**
   * Synchronous mode switched on, and the leader's agent frozen right after it decided to claim {@code /sync}, for
   * longer than ttl: thawed, it writes {@code /sync} naming itself as leader, through a new session, with the lock
   * gone.
   */
  @Test
  void aLeaderFrozenBeforeItsSyncWriteWritesItAfterItsSessionExpired() {
    Schedule s = new Schedule(List.of(new Fault.SyncModeChange(100_000, SyncSetup.Mode.OFF, 1),
        new Fault.SyncModeChange(150_000, SyncSetup.Mode.ON, 1), new Fault.AgentPause(PRIMARY, 150_007, 40_000)),
        new SyncSetup(SyncSetup.Mode.ON, 1));

    ScheduleResult r = Simulation.run(1, RunOptions.defaults(), DecisionCore.HA_CORE, s);

    System.out.println(r.renderTrace());
    assertThat(r.violation()).hasValueSatisfying(v -> {
      assertThat(v.invariant()).isEqualTo(Invariant.SYNC_LISTS_REPLICAS);
      assertThat(v.findings()).containsExactly(Finding.SYNC_WRITTEN_AFTER_LEASE);
    });
  }
}
