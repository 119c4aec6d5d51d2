package io.vigil.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The faults of one run, drawn from its seed before the run starts (so a broken core meets exactly the
 * same faults as the real one): one to six faults, each starting inside the fault phase and healed by
 * its end. Synchronous replication is drawn from a random stream of its own, so the faults and the rest of
 * a run that never uses it are those the seed gave before synchronous schedules existed: a third of the
 * schedules start in synchronous mode ({@code on}, or {@code strict} in a third of those, with
 * {@code synchronous_node_count} 1 or 2), and in a third of all schedules an operator switches the mode
 * (off / on / strict) once or twice during the fault phase. Failover priorities come from a third stream:
 * in half of the schedules every node gets a {@code failover_priority} tag of 0 to 3, at most one of them 0
 * (so that a failover stays possible and the run must still converge); the other half carry no tag.
 *
 * @param failoverPriorities the {@code failover_priority} tag of each node by index; empty = no node is tagged
 */
record Schedule(List<Fault> faults, SyncSetup sync, List<Integer> failoverPriorities) {

  /** A hand-made schedule whose nodes carry no {@code failover_priority} tag. */
  Schedule(List<Fault> faults, SyncSetup sync) {
    this(faults, sync, List.of());
  }

  static Schedule draw(SplittableRandom rng, SplittableRandom syncRng, SplittableRandom tagRng, SimSettings s) {
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
    int nodeCount = 1 + syncRng.nextInt(2);
    SyncSetup.Mode mode = SyncSetup.Mode.OFF;
    if (syncRng.nextInt(3) == 0) {
      mode = syncRng.nextInt(3) == 0 ? SyncSetup.Mode.STRICT : SyncSetup.Mode.ON;
    }
    SyncSetup sync = new SyncSetup(mode, nodeCount);
    if (syncRng.nextInt(3) == 0) {
      long[] at = new long[1 + syncRng.nextInt(2)];
      for (int i = 0; i < at.length; i++) {
        at[i] = s.formationMs() + syncRng.nextLong(s.faultPhaseMs() - 5_000);
      }
      java.util.Arrays.sort(at);
      for (long when : at) {
        SyncSetup.Mode previous = mode;
        SyncSetup.Mode[] choices = java.util.Arrays.stream(SyncSetup.Mode.values()).filter(m -> m != previous)
            .toArray(SyncSetup.Mode[]::new);
        mode = choices[syncRng.nextInt(choices.length)];
        faults.add(new Fault.SyncModeChange(when, mode, nodeCount));
      }
    }
    // stable: faults drawn at the same time keep their order
    faults.sort(Comparator.comparingLong(Fault::at));
    return new Schedule(List.copyOf(faults), sync, priorities(tagRng, s.nodes()));
  }

  private static List<Integer> priorities(SplittableRandom tagRng, int nodes) {
    if (tagRng.nextBoolean()) {
      return List.of();
    }
    List<Integer> out = new ArrayList<>();
    boolean zeroTaken = false;
    for (int i = 0; i < nodes; i++) {
      int p = tagRng.nextInt(4);
      if (p == 0 && zeroTaken) {
        p = 1;
      }
      zeroTaken |= p == 0;
      out.add(p);
    }
    return List.copyOf(out);
  }

  /** A duration of up to {@code max} that ends by the time the faults heal. */
  private static long lasting(SplittableRandom rng, long at, long heal, long max) {
    return Math.min(1_000 + rng.nextLong(max), heal - at);
  }
}
