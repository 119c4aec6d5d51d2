package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.agent.ha.Guards;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fence and the watchdog in the simulator: a frozen leader's PostgreSQL stops taking writes before another node
 * may promote when the fence is on (invariant 4c), and keeps taking them when it is off (measured, not failed).
 */
class FenceTest {

  private static final Fault.Target PRIMARY = new Fault.Target(0, true);
  /** The leader's agent freezes at 100 s for 60 s, twice its ttl: its session expires and a replica takes over. */
  private static final Schedule FROZEN_LEADER = new Schedule(List.of(new Fault.AgentPause(PRIMARY, 100_000, 60_000)),
      SyncSetup.ASYNC);
  private static final Pattern LINE = Pattern.compile("^\\[\\s*(\\d+)\\.(\\d{3})s\\] (\\S+)\\s+(.*)$");

  record Line(long ms, String who, String text) {}

  private static List<Line> lines(ScheduleResult r) {
    return r.renderTrace().lines().map(LINE::matcher).filter(Matcher::matches)
        .map(m -> new Line(Long.parseLong(m.group(1)) * 1000 + Long.parseLong(m.group(2)), m.group(3), m.group(4)))
        .toList();
  }

  /** The first line at or after {@code from} whose text contains {@code text}, optionally from {@code who}. */
  private static Line first(List<Line> lines, long from, String who, String text) {
    return lines.stream().filter(l -> l.ms() >= from && (who == null || l.who().equals(who)) && l.text().contains(text))
        .findFirst().orElseThrow(() -> new AssertionError("no line '" + text + "' after " + from));
  }

  @Test
  void aFrozenLeaderIsStoppedByItsFenceBeforeAnotherNodePromotes() {
    ScheduleResult r = Simulation.run(1, RunOptions.defaults(), DecisionCore.HA_CORE, FROZEN_LEADER);
    String trace = r.renderTrace();
    List<Line> lines = lines(r);

    assertThat(r.violation()).as("%s", trace).isEmpty();
    assertThat(r.fenceStops()).as("%s", trace).isEqualTo(1);
    assertThat(r.twoWriterMs()).as("%s", trace).isZero();
    assertThat(r.staleDirectAcks()).as("no write acknowledged by the old primary after the new one's promotion")
        .isZero();

    Line freeze = first(lines, 100_000, "FAULT", "freeze the agent on");
    String old = freeze.text().replaceAll(".*freeze the agent on (\\S+).*", "$1");
    Line fenced = first(lines, 100_000, old, "postgres: stopped (immediate, by the fence)");
    Line expired = first(lines, 100_000, "zk", "of " + old);
    Line promoted = lines.stream().filter(l -> l.ms() >= 100_000 && !l.who().equals(old)
        && l.text().startsWith("postgres: ") && l.text().contains("accepts writes")).findFirst().orElseThrow();
    // ttl - safety_margin = 25 s after the start of the last read that confirmed the lock, which was at most
    // loop_wait before the freeze; the session expires ttl after the server last heard from the frozen agent.
    assertThat(fenced.ms()).as("%s", trace).isBetween(100_000L + 15_000, 100_000L + 25_000);
    assertThat(fenced.ms()).as("fenced before the session expired%n%s", trace).isLessThan(expired.ms());
    assertThat(fenced.ms()).as("fenced before the new primary took writes%n%s", trace).isLessThan(promoted.ms());
    Line armed = first(lines, 100_000, promoted.who(), "fence armed");
    assertThat(armed.ms()).as("the new primary armed its own fence before its promotion%n%s", trace)
        .isLessThanOrEqualTo(promoted.ms());
    assertThat(first(lines, fenced.ms(), old, "postgres: started as replica").ms())
        .as("the old primary rejoins as a replica once it thaws%n%s", trace).isGreaterThan(160_000);
  }

  @Test
  void withoutTheFenceTheFrozenLeaderKeepsTakingWritesNextToTheNewPrimaryWhichIsMeasuredNotFailed() {
    ScheduleResult r = Simulation.run(1, RunOptions.defaults().withFence(false), DecisionCore.HA_CORE, FROZEN_LEADER);

    assertThat(r.violation()).as("%s", r.renderTrace()).isEmpty();
    assertThat(r.fenceStops()).isZero();
    assertThat(r.twoWriterMs()).as("the frozen leader writes until it thaws at 160 s").isGreaterThan(10_000);
    assertThat(r.staleDirectAcks()).isPositive();
    assertThat(r.renderTrace()).contains("two writers (fence off").doesNotContain("fence armed");
  }

  /**
   * Every node has {@code watchdog.mode: required}; one has no watchdog device. Whichever node that is, it never takes
   * the leader lock, never bootstraps and never promotes, through formation and a frozen leader's failover; the
   * others lead, and when the frozen leader's watchdog fires its machine resets.
   */
  @Test
  void aRequiredWatchdogWithoutADeviceKeepsThatNodeFromEverLeading() {
    for (int i = 0; i < 3; i++) {
      String name = "node" + (i + 1);
      Schedule s = new Schedule(List.of(new Fault.WatchdogDeviceGone(new Fault.Target(i, false), 0),
          new Fault.AgentPause(PRIMARY, 100_000, 60_000)), SyncSetup.ASYNC);
      ScheduleResult r = Simulation.run(1, RunOptions.defaults().withWatchdog(Guards.REQUIRED), DecisionCore.HA_CORE, s);
      String trace = r.renderTrace();
      List<Line> mine = lines(r).stream().filter(l -> l.who().equals(name)).toList();

      assertThat(r.violation()).as("%s%n%s", name, trace).isEmpty();
      assertThat(mine).as("%s%n%s", name, trace).noneMatch(l -> l.text().contains("acquired the leader lock")
          || l.text().contains("initialized a new cluster") || l.text().contains("accepts writes")
          || l.text().contains("Promote[") || l.text().contains("rule=ACQUIRE_LOCK"));
      assertThat(mine).as("%s reports why%n%s", name, trace)
          .anyMatch(l -> l.text().contains("watchdog device /dev/watchdog does not exist"));
      assertThat(r.promotions()).as("a bootstrap and a failover without %s%n%s", name, trace).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void seededSchedulesWithTheFenceBreakNoInvariant() {
    SimulationRun run = SimulationRun.execute(20_261_201L, 300, RunOptions.defaults(), 2, DecisionCore.HA_CORE);
    System.out.print(run.summary());

    assertThat(run.violations()).as("%s", run.violations().stream()
        .map(v -> "seed=" + v.seed() + " " + v.violation().orElseThrow() + "\n" + v.renderTrace()).findFirst()
        .orElse("")).isEmpty();
    assertThat(run.summary()).contains("stuck nodes at the convergence bound (a violation with --strict): 0 schedules")
        .contains("two writers at once (invariant 4c; measured when the fence is off): 0 schedules");
  }
}
