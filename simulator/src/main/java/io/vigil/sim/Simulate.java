package io.vigil.sim;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;

/**
 * {@code scripts/simulate --schedules N [--seed S] [--steps K] [--threads T] [--strict] [--no-fence]
 * [--watchdog off|automatic|required] [--failsafe] [--trace]}: runs N seeded
 * schedules of the HA core and ends with {@code schedules=N violations=V seed=S}. Schedule i uses seed
 * S + i; a violation prints that seed, the invariant and the trace, and
 * {@code --seed <that seed> --schedules 1} replays it exactly.
 */
public final class Simulate {

  private static final int TRACES_PRINTED = 3;

  private Simulate() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    int schedules = 1;
    long seed = new SecureRandom().nextLong() & Long.MAX_VALUE;
    long steps = RunOptions.DEFAULT_FAULT_PHASE_SECONDS;
    boolean strict = false;
    int threads = Runtime.getRuntime().availableProcessors();
    boolean trace = false;
    boolean fence = true;
    String watchdog = "off";
    boolean failsafe = false;
    boolean standby = false;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--schedules" -> schedules = Integer.parseInt(args[++i]);
          case "--seed" -> seed = Long.parseLong(args[++i]);
          case "--steps" -> steps = Long.parseLong(args[++i]);
          case "--threads" -> threads = Integer.parseInt(args[++i]);
          case "--trace" -> trace = true;
          case "--strict" -> strict = true;
          case "--no-fence" -> fence = false;
          case "--watchdog" -> watchdog = args[++i];
          case "--failsafe" -> failsafe = true;
          case "--standby-cluster" -> standby = true;
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      new RunOptions(steps, strict, fence, watchdog);
      if (schedules < 1 || steps < 10 || threads < 1) {
        throw new IllegalArgumentException("need --schedules >= 1, --steps >= 10, --threads >= 1");
      }
    } catch (RuntimeException e) {
      err.println("simulate: " + e.getMessage());
      err.println("usage: simulate --schedules N [--seed S] [--steps K] [--threads T] [--strict] [--no-fence] "
          + "[--watchdog off|automatic|required] [--failsafe] [--standby-cluster] [--trace]");
      err.println("  --steps K   simulated seconds of the fault phase (default "
          + RunOptions.DEFAULT_FAULT_PHASE_SECONDS + ")");
      err.println("  --strict    nodes left stuck after the faults (diverged, parked) are violations too");
      err.println("  --no-fence  agents without vigil.fence: two writers at once are measured, not a violation (4c)");
      err.println("  --watchdog  watchdog.mode of every agent (default off); every machine has a device");
      err.println("  --failsafe  failsafe_mode: true in bootstrap.dcs (a primary without ZooKeeper asks its peers)");
      err.println("  --standby-cluster  standby_cluster in bootstrap.dcs, its remote primary unreachable: nobody may "
          + "ever accept writes (10)");
      err.println("  --trace     print every schedule's trace (use with --schedules 1 to replay a seed)");
      return 2;
    }
    long started = System.nanoTime();
    RunOptions options = new RunOptions(steps, strict, fence, watchdog, failsafe, standby);
    SimulationRun run = SimulationRun.execute(seed, schedules, options, threads, DecisionCore.HA_CORE);
    double seconds = (System.nanoTime() - started) / 1e9;
    if (trace) {
      // Runs are kept without their traces; a schedule replays identically, so run it again to print it.
      for (int i = 0; i < schedules; i++) {
        out.println("== seed " + (seed + i));
        out.print(Simulation.run(seed + i, options, DecisionCore.HA_CORE).renderTrace());
      }
    }
    List<ScheduleResult> violations = run.violations();
    for (int i = 0; i < violations.size(); i++) {
      ScheduleResult r = violations.get(i);
      out.println("VIOLATION seed=" + r.seed() + " " + r.violation().orElseThrow());
      out.println("  replay: scripts/simulate --seed " + r.seed() + " --schedules 1 --steps " + steps
          + (strict ? " --strict" : "") + (fence ? "" : " --no-fence")
          + (watchdog.equals("off") ? "" : " --watchdog " + watchdog) + (failsafe ? " --failsafe" : "")
          + (standby ? " --standby-cluster" : "") + " --trace");
      if (i < TRACES_PRINTED && !trace) {
        out.print(r.renderTrace().indent(4));
      }
    }
    out.print(run.summary());
    out.println(String.format(Locale.ROOT, "speed: %.1f schedules/s on %d threads (%.1f s)", schedules / seconds,
        threads, seconds));
    out.println("schedules=" + schedules + " violations=" + violations.size() + " seed=" + seed);
    return violations.isEmpty() ? 0 : 1;
  }
}
