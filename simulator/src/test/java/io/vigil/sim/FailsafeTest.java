package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Failsafe mode in the simulator (wire spec 3.14): ZooKeeper is down for everyone for 90 s, three times ttl. With
 * every member reachable the primary keeps running and taking writes, and nobody else becomes writable; with one
 * member unreachable it demotes, as it does without failsafe mode.
 */
class FailsafeTest {

  private static final Pattern LINE = Pattern.compile("^\\[\\s*(\\d+)\\.(\\d{3})s\\] (\\S+)\\s+(.*)$");
  private static final long DOWN_AT = 100_000;
  private static final long DOWN_MS = 90_000;
  private static final Fault.ZooKeeperOutage OUTAGE = new Fault.ZooKeeperOutage(DOWN_AT, DOWN_MS);

  record Line(long ms, String who, String text) {}

  private static List<Line> lines(ScheduleResult r) {
    return r.renderTrace().lines().map(LINE::matcher).filter(Matcher::matches)
        .map(m -> new Line(Long.parseLong(m.group(1)) * 1000 + Long.parseLong(m.group(2)), m.group(3), m.group(4)))
        .toList();
  }

  private static ScheduleResult run(List<Fault> faults, boolean failsafe) {
    return Simulation.run(1, RunOptions.defaults().withFailsafe(failsafe), DecisionCore.HA_CORE,
        new Schedule(faults, SyncSetup.ASYNC));
  }

  /** The node that runs on failsafe in the all-reachable run: the primary when ZooKeeper went down. */
  private static String primaryOnFailsafe(List<Line> lines) {
    return lines.stream().filter(l -> l.text().contains("rule=FAILSAFE_LEADER ")).findFirst()
        .orElseThrow(() -> new AssertionError("nobody ran on failsafe")).who();
  }

  @Test
  void withEveryMemberReachableThePrimaryKeepsTakingWritesThroughAZooKeeperOutageAndNoSecondPrimaryAppears() {
    ScheduleResult r = run(List.of(OUTAGE), true);
    String trace = r.renderTrace();
    List<Line> lines = lines(r);
    assertThat(r.violation()).as("%s", trace).isEmpty();
    assertThat(r.twoWriterMs()).as("%s", trace).isZero();
    String primary = primaryOnFailsafe(lines);
    List<Line> during = lines.stream().filter(l -> l.ms() >= DOWN_AT && l.ms() < DOWN_AT + DOWN_MS).toList();
    assertThat(during).as("the primary is neither stopped nor fenced while ZooKeeper is down%n%s", trace)
        .noneMatch(l -> l.who().equals(primary) && l.text().startsWith("postgres: stopped"));
    assertThat(during).as("nobody else becomes writable%n%s", trace)
        .noneMatch(l -> !l.who().equals(primary) && l.text().startsWith("postgres: ")
            && l.text().contains("accepts writes"));
    // The trace records a decision when its rule changes: the primary's next rule comes once ZooKeeper is back.
    Line onFailsafe = lines.stream().filter(l -> l.text().contains("rule=FAILSAFE_LEADER ")).findFirst().orElseThrow();
    assertThat(onFailsafe.text()).contains("continue to run as a leader because failsafe mode is enabled and all "
        + "members are accessible");
    Line next = lines.stream().filter(l -> l.ms() > onFailsafe.ms() && l.who().equals(primary)
        && l.text().contains(" rule=")).findFirst().orElseThrow();
    assertThat(next.ms()).as("on failsafe until ZooKeeper is back%n%s", trace).isGreaterThanOrEqualTo(DOWN_AT + DOWN_MS);
    assertThat(next.text()).as("%s", trace).contains("rule=LEADER_WITH_LOCK");
    assertThat(r.fenceStops()).as("the guards are fed from each accepted round%n%s", trace).isZero();
  }

  @Test
  void withOneMemberUnreachableThePrimaryDemotes() {
    String primary = primaryOnFailsafe(lines(run(List.of(OUTAGE), true)));
    int replica = primary.equals("node1") ? 1 : 0; // formation does not depend on the faults
    ScheduleResult r = run(List.of(new Fault.Partition(new Fault.Target(replica, false), false, true, DOWN_AT - 5_000,
        DOWN_MS + 10_000), OUTAGE), true);
    String trace = r.renderTrace();
    List<Line> lines = lines(r);
    assertThat(r.violation()).as("%s", trace).isEmpty();
    assertThat(lines).as("%s", trace).noneMatch(l -> l.text().contains("rule=FAILSAFE_LEADER "));
    Line demoted = lines.stream().filter(l -> l.ms() >= DOWN_AT && l.who().equals(primary)
        && l.text().contains("rule=DCS_UNREACHABLE") && l.text().contains("failsafe mode: node" + (replica + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no demotion naming the unreachable member\n" + trace));
    assertThat(demoted.ms()).as("%s", trace).isLessThan(DOWN_AT + 30_000);
  }

  @Test
  void withoutFailsafeModeThePrimaryDemotesWithinACycleAndARetriedRead() {
    ScheduleResult r = run(List.of(OUTAGE), false);
    String trace = r.renderTrace();
    assertThat(r.violation()).as("%s", trace).isEmpty();
    assertThat(trace).doesNotContain("FAILSAFE_LEADER").contains("rule=DCS_UNREACHABLE");
  }
}
