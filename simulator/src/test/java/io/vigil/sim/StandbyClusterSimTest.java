package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.agent.ha.Action;
import io.vigil.agent.ha.Decision;
import io.vigil.agent.ha.HaCore;
import io.vigil.agent.ha.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A standby cluster in the simulator (wire spec 3.18): {@code standby_cluster} names a remote primary no simulated
 * node is, so the standby leader never streams. Whatever happens to the members, none of them may accept writes
 * (invariant 10), and after the faults one standby holds the lock with the others streaming from it (invariant 5).
 */
class StandbyClusterSimTest {

  private static final RunOptions STANDBY = RunOptions.defaults().withStandbyCluster(true);

  private static ScheduleResult run(long seed, DecisionCore core, List<Fault> faults) {
    return Simulation.run(seed, STANDBY, core, new Schedule(faults, SyncSetup.ASYNC));
  }

  /** Every node's agent killed, its postmaster crashed, cut off, and ZooKeeper down, one after the other. */
  private static List<Fault> everyFault() {
    List<Fault> faults = new ArrayList<>();
    for (int node = 0; node < 3; node++) {
      long at = 70_000 + node * 55_000;
      Fault.Target t = new Fault.Target(node, false);
      faults.add(new Fault.AgentKill(t, at, 40_000));
      faults.add(new Fault.PostmasterCrash(t, at + 45_000));
      faults.add(new Fault.Partition(t, true, true, at + 20_000, 35_000));
    }
    faults.add(new Fault.ZooKeeperOutage(250_000, 40_000));
    return faults;
  }

  @Test
  void nobodyEverAcceptsWritesAndTheStandbyLeaderIsReplacedNotPromoted() {
    for (long seed = 1; seed <= 4; seed++) {
      ScheduleResult r = run(seed, DecisionCore.HA_CORE, everyFault());
      String trace = r.renderTrace();
      assertThat(r.violation()).as("seed %d%n%s", seed, trace).isEmpty();
      assertThat(r.promotions()).as("seed %d", seed).isZero();
      assertThat(trace).contains("rule=BOOTSTRAP_STANDBY_CLUSTER").contains("rule=ACQUIRE_LOCK")
          .contains("standby leader").contains("FAULT   kill the agent on");
    }
  }

  /** A core that forgets standby_cluster once it holds the lock promotes, and invariant 10 says so. */
  @Test
  void aCoreThatPromotesTheStandbyLeaderBreaksInvariant10() {
    DecisionCore forgetful = (o, m) -> {
      Decision d = HaCore.decide(o, m);
      if (d.rule() != Rule.STANDBY_LEADER_NOT_STREAMING) {
        return d;
      }
      List<Action> actions = new ArrayList<>(d.actions());
      actions.add(new Action.Promote(0, 0, false));
      return new Decision(d.rule(), d.message(), actions, d.memory());
    };
    ScheduleResult r = run(1, forgetful, List.of());
    assertThat(r.violation().map(Violation::invariant)).isEqualTo(Optional.of(Invariant.STANDBY_NEVER_WRITABLE));
  }
}
