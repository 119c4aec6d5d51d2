package io.vigil.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The faults of one run, drawn from its seed before the run starts (so a broken core meets exactly the
 * same faults as the real one): one to six faults, each starting inside the fault phase and healed by
 * its end.
 */
record Schedule(List<Fault> faults) {

  static Schedule draw(SplittableRandom rng, SimSettings s) {
    int count = 1 + rng.nextInt(6);
    List<Fault> faults = new ArrayList<>();
    long heal = s.healAtMs();
    for (int i = 0; i < count; i++) {
      long at = s.formationMs() + rng.nextLong(s.faultPhaseMs() - 5_000);
      Fault.Target target = new Fault.Target(rng.nextInt(s.nodes()), rng.nextBoolean());
      int kind = rng.nextInt(100);
      if (kind < 20) {
        faults.add(new Fault.AgentKill(target, at, lasting(rng, at, heal, 90_000)));
      } else if (kind < 40) {
        faults.add(new Fault.AgentPause(target, at, lasting(rng, at, heal, 80_000)));
      } else if (kind < 55) {
        faults.add(new Fault.PostmasterCrash(target, at));
      } else if (kind < 65) {
        faults.add(new Fault.ZooKeeperOutage(at, lasting(rng, at, heal, 60_000)));
      } else if (kind < 85) {
        int scope = rng.nextInt(3);
        faults.add(new Fault.Partition(target, scope != 1, scope != 0, at, lasting(rng, at, heal, 90_000)));
      } else if (kind < 89) {
        faults.add(new Fault.Switchover(new Fault.Target(rng.nextInt(s.nodes()), false), rng.nextBoolean(), at));
      } else if (kind < 92) {
        faults.add(new Fault.BackToBackSwitchover(at, rng.nextInt(s.nodes() - 1), rng.nextLong(5_001)));
      } else if (kind < 95) {
        faults.add(new Fault.OperatorRestart(target, at, rng.nextLong(30_000)));
      } else if (kind < 98) {
        faults.add(new Fault.PrePromoteRefusal(target, at, lasting(rng, at, heal, 60_000)));
      } else {
        long step = 1_000 + rng.nextLong(120_000);
        faults.add(new Fault.ClockJump(target, at, rng.nextBoolean() ? step : -step));
      }
    }
    faults.sort(Comparator.comparingLong(Fault::at));
    return new Schedule(List.copyOf(faults));
  }

  /** A duration of up to {@code max} that ends by the time the faults heal. */
  private static long lasting(SplittableRandom rng, long at, long heal, long max) {
    return Math.min(1_000 + rng.nextLong(max), heal - at);
  }
}
