package io.vigil.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Many schedules, seeds {@code baseSeed .. baseSeed + schedules - 1}, spread over worker threads. Each
 * schedule is a closed, single-threaded simulation, so the threads only change how fast the answer
 * comes, never the answer. Traces are kept for violating schedules only.
 */
public final class SimulationRun {

  private static final int STUCK_LISTED = 5;

  private final int schedules;
  private final List<ScheduleResult> violations = new ArrayList<>();
  private final long[] convergence;
  private long steps;
  private long decisions;
  private long failovers;
  private long routedWrites;
  private int splitBrainSchedules;
  private long staleDirectAcks;
  private long longestStaleDirectMs;
  private long rewinds;
  private int twoWriterSchedules;
  private long twoWriterMs;
  private long longestTwoWriterMs;
  private long fenceStops;
  private long failsafeAccepted;
  private long failsafeRefused;
  private int failsafeSchedules;
  /** Commits of the schedules that never ran in synchronous mode, and of those that did. */
  private CommitStats asyncCommits = CommitStats.NONE;
  private CommitStats syncCommits = CommitStats.NONE;
  private int asyncSchedules;
  /** Schedules that lost acknowledged asynchronous commits: [any, routed], of each kind of schedule. */
  private final int[] asyncSchedulesLosing = new int[2];
  private final int[] syncSchedulesLosing = new int[2];
  /** Seeds that ended with stuck nodes, and which nodes (their traces are not kept). */
  private final List<Map.Entry<Long, List<StuckNode>>> stuck = new ArrayList<>();
  private final Map<StuckNode.Why, Integer> stuckNodes = new EnumMap<>(StuckNode.Why.class);

  private SimulationRun(int schedules) {
    this.schedules = schedules;
    this.convergence = new long[schedules];
  }

  public static SimulationRun execute(long baseSeed, int schedules, RunOptions options, int threads,
      DecisionCore core) {
    SimulationRun run = new SimulationRun(schedules);
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "simulation");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        int first = w;
        workers.add(pool.submit(() -> {
          for (int i = first; i < schedules; i += threads) {
            run.add(i, Simulation.run(baseSeed + i, options, core));
          }
        }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a schedule failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    run.violations.sort(Comparator.comparingLong(ScheduleResult::seed));
    run.stuck.sort(Map.Entry.comparingByKey());
    return run;
  }

  private synchronized void add(int index, ScheduleResult r) {
    steps += r.steps();
    decisions += r.decisions();
    // The bootstrap makes the first primary; every later one is a failover.
    failovers += Math.max(0, r.promotions() - 1);
    routedWrites += r.routedWrites();
    if (r.staleDirectAcks() > 0) {
      splitBrainSchedules++;
      staleDirectAcks += r.staleDirectAcks();
      longestStaleDirectMs = Math.max(longestStaleDirectMs, r.longestStaleDirectMs());
    }
    rewinds += r.rewinds();
    if (r.twoWriterMs() > 0) {
      twoWriterSchedules++;
      twoWriterMs += r.twoWriterMs();
      longestTwoWriterMs = Math.max(longestTwoWriterMs, r.longestTwoWriterMs());
    }
    fenceStops += r.fenceStops();
    failsafeAccepted += r.failsafeAccepted();
    failsafeRefused += r.failsafeRefused();
    failsafeSchedules += r.failsafeAccepted() > 0 ? 1 : 0;
    CommitStats c = r.commits();
    int[] losing = r.synchronous() ? syncSchedulesLosing : asyncSchedulesLosing;
    losing[0] += c.asyncLost() > 0 ? 1 : 0;
    losing[1] += c.asyncRoutedLost() > 0 ? 1 : 0;
    if (r.synchronous()) {
      syncCommits = syncCommits.plus(c);
    } else {
      asyncSchedules++;
      asyncCommits = asyncCommits.plus(c);
    }
    if (!r.stuck().isEmpty()) {
      stuck.add(Map.entry(r.seed(), r.stuck()));
      r.stuck().forEach(n -> stuckNodes.merge(n.why(), 1, Integer::sum));
    }
    convergence[index] = r.convergenceMs();
    if (r.violation().isPresent()) {
      violations.add(r);
    }
  }

  public int schedules() {
    return schedules;
  }

  public List<ScheduleResult> violations() {
    return List.copyOf(violations);
  }

  public Map<Invariant, Integer> violationsByInvariant() {
    Map<Invariant, Integer> by = new EnumMap<>(Invariant.class);
    violations.forEach(v -> by.merge(v.violation().orElseThrow().invariant(), 1, Integer::sum));
    return by;
  }

  /** The statistics block the launcher prints (deterministic for a given seed range). */
  public String summary() {
    long[] converged = Arrays.stream(convergence).filter(c -> c >= 0).sorted().toArray();
    String conv = converged.length == 0 ? "none"
        : "median " + Trace.seconds(converged[converged.length / 2]) + ", p99 "
            + Trace.seconds(converged[(int) Math.min(converged.length - 1, Math.floor(converged.length * 0.99))])
            + ", max " + Trace.seconds(converged[converged.length - 1]);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "simulated: %d events, %d decision records, %d failovers, %d routed writes%n",
        steps, decisions, failovers, routedWrites));
    sb.append("convergence after the last fault: ").append(conv).append(" (bound ")
        .append(Trace.seconds(SimSettings.defaults(0).convergenceBoundMs())).append(")\n");
    sb.append(String.format(Locale.ROOT,
        "direct-write split brain (stale primary with a frozen or dead agent; statistic): %d schedules, %d acks, "
            + "longest %s after the newer promotion%n", splitBrainSchedules, staleDirectAcks,
        Trace.seconds(longestStaleDirectMs)));
    sb.append(String.format(Locale.ROOT,
        "two writers at once (invariant 4c; measured when the fence is off): %d schedules, %s in all, longest %s; "
            + "the fence stopped a primary %d times%n", twoWriterSchedules, Trace.seconds(twoWriterMs),
        Trace.seconds(longestTwoWriterMs), fenceStops));
    if (failsafeAccepted + failsafeRefused > 0) {
      sb.append(String.format(Locale.ROOT, "failsafe rounds (a primary without ZooKeeper asking its members): %d "
          + "accepted (the primary kept running; in %d schedules), %d refused or unanswered (it demoted)%n",
          failsafeAccepted, failsafeSchedules, failsafeRefused));
    }
    sb.append(String.format(Locale.ROOT, "asynchronous schedules (%d): %d commits acknowledged, %d lost in %d "
        + "schedules; through the router %d, %d lost in %d schedules%n", asyncSchedules, asyncCommits.asyncAcked(),
        asyncCommits.asyncLost(), asyncSchedulesLosing[0], asyncCommits.asyncRoutedAcked(),
        asyncCommits.asyncRoutedLost(), asyncSchedulesLosing[1]));
    sb.append(String.format(Locale.ROOT, "synchronous schedules (%d): %d commits acknowledged synchronously, %d lost; "
        + "%d asynchronously (no synchronous standby, or mode off), %d lost in %d schedules (through the router %d, "
        + "%d lost in %d schedules); %d synchronously before the mode was switched off, %d lost%n",
        schedules - asyncSchedules, syncCommits.syncAcked(), syncCommits.syncLost() + asyncCommits.syncLost(),
        syncCommits.asyncAcked(), syncCommits.asyncLost(), syncSchedulesLosing[0], syncCommits.asyncRoutedAcked(),
        syncCommits.asyncRoutedLost(), syncSchedulesLosing[1], syncCommits.withdrawnAcked(),
        syncCommits.withdrawnLost()));
    sb.append(String.format(Locale.ROOT, "commits never answered (their server stopped while they waited for a "
        + "synchronous standby): %d%n", syncCommits.unanswered() + asyncCommits.unanswered()));
    sb.append(String.format(Locale.ROOT, "pg_rewind discarded the diverged WAL of a former primary %d times%n",
        rewinds));
    sb.append(String.format(Locale.ROOT, "stuck nodes at the convergence bound (a violation with --strict): "
        + "%d schedules, %d diverged and not rewound, %d parked by the core%n", stuck.size(),
        stuckNodes.getOrDefault(StuckNode.Why.DIVERGED_NOT_REWOUND, 0),
        stuckNodes.getOrDefault(StuckNode.Why.PARKED_BY_THE_CORE, 0)));
    stuck.stream().limit(STUCK_LISTED).forEach(e -> sb.append("  seed=").append(e.getKey()).append(": ")
        .append(e.getValue().stream().map(StuckNode::toString).collect(Collectors.joining("; "))).append('\n'));
    if (!violations.isEmpty()) {
      sb.append("violations by invariant:");
      violationsByInvariant().forEach((inv, n) -> sb.append(' ').append(inv.number()).append(' ').append(inv)
          .append('=').append(n));
      sb.append('\n');
    }
    return sb.toString();
  }
}
