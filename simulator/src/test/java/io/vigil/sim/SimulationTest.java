package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The HA core, unchanged, against a fixed range of seeded schedules. The run must break no invariant
 * for a reason the checker cannot name. Violations it recognises as an open finding (see the README)
 * are printed and tolerated until that finding is fixed; then remove it from {@link #OPEN_FINDINGS}
 * and this test holds the core to it.
 */
class SimulationTest {

  private static final long BASE_SEED = 20_260_101L;
  private static final int SCHEDULES = 10_000;
  private static final Set<Finding> OPEN_FINDINGS = EnumSet.noneOf(Finding.class);

  @Test
  void seededSchedulesBreakNoInvariantBeyondTheOpenFindings() {
    SimulationRun run = SimulationRun.execute(BASE_SEED, SCHEDULES, RunOptions.defaults(),
        Runtime.getRuntime().availableProcessors(), DecisionCore.HA_CORE);
    System.out.print(run.summary());
    run.violations().forEach(r -> System.out.println("seed=" + r.seed() + " " + r.violation().orElseThrow()));

    List<ScheduleResult> unexplained = run.violations().stream()
        .filter(r -> r.violation().orElseThrow().findings().stream().noneMatch(OPEN_FINDINGS::contains))
        .toList();
    assertThat(unexplained)
        .as("violations with no open finding behind them:%n%s", unexplained.stream()
            .map(r -> "seed=" + r.seed() + " " + r.violation().orElseThrow() + "\n" + r.renderTrace())
            .collect(Collectors.joining("\n")))
        .isEmpty();
    assertThat(run.schedules()).isEqualTo(SCHEDULES);
  }
}
