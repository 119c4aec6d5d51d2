package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One seed decides a whole run: the same seed gives the same trace, byte for byte. */
class DeterminismTest {

  @Test
  void sameSeedSameTrace() {
    ScheduleResult first = Simulation.run(4242, RunOptions.defaults(), DecisionCore.HA_CORE);
    ScheduleResult second = Simulation.run(4242, RunOptions.defaults(), DecisionCore.HA_CORE);

    assertThat(first.renderTrace()).hasSizeGreaterThan(1_000).isEqualTo(second.renderTrace());
    assertThat(first.steps()).isEqualTo(second.steps());
    assertThat(first.violation()).isEqualTo(second.violation());
  }

  @Test
  void anotherSeedAnotherTrace() {
    String a = Simulation.run(4242, RunOptions.defaults(), DecisionCore.HA_CORE).renderTrace();
    String b = Simulation.run(4243, RunOptions.defaults(), DecisionCore.HA_CORE).renderTrace();

    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void threadCountChangesNothingButSpeed() {
    SimulationRun one = SimulationRun.execute(900, 40, RunOptions.defaults(), 1, DecisionCore.HA_CORE);
    SimulationRun two = SimulationRun.execute(900, 40, RunOptions.defaults(), 2, DecisionCore.HA_CORE);

    assertThat(two.summary()).isEqualTo(one.summary());
  }
}
