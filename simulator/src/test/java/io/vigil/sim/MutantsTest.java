package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.agent.ha.Action;
import io.vigil.agent.ha.Decision;
import io.vigil.agent.ha.HaCore;
import io.vigil.agent.ha.NodeSettings;
import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.PeerStatus;
import io.vigil.agent.ha.Rule;
import io.vigil.dcs.ClusterView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The checker catches broken rules. Each mutant wraps the real core (nothing in production code knows
 * about it) and must break, within a bounded number of schedules, the invariant that rule protects, on
 * a seed where the real core keeps it. The mutants of the leader race, the demotion and the lock run without the
 * fence, which would otherwise stop many of the primaries they leave behind first (a frozen or cut-off primary is
 * stopped at its deadline whatever the core does); the fence's own mutant runs with it.
 */
class MutantsTest {

  private static final long BASE_SEED = 77_000;
  private static final int MAX_SCHEDULES = 300;
  private static final RunOptions NO_FENCE = RunOptions.defaults().withFence(false);

  /** The guards' deadline computed past the lock's expiry (ttl + loop_wait instead of ttl - safety_margin). */
  private static final DecisionCore LATE_DEADLINE = (o, m) -> {
    Decision d = HaCore.decide(o, m);
    int late = o.settings().dynamic().ttl() + o.settings().dynamic().loopWait();
    List<Action> actions = d.actions().stream().map(a -> a instanceof Action.ArmGuards g
        ? (Action) new Action.ArmGuards(late, g.watchdog(), g.fence()) : a instanceof Action.FeedGuards g
        ? new Action.FeedGuards(late, g.watchdog(), g.fence()) : a).toList();
    return new Decision(d.rule(), d.message(), actions, d.memory());
  };

  /** The leader race without its WAL comparison: no peer answers, no leader optime to lag behind. */
  private static final DecisionCore BLIND_RACE = (o, m) -> HaCore.decide(withoutWalComparison(o), m);

  /** A primary that cannot reach ZooKeeper keeps running as primary. */
  private static final DecisionCore NO_DEMOTION_WITHOUT_DCS = (o, m) -> {
    Decision d = HaCore.decide(o, m);
    return d.rule() == Rule.DCS_UNREACHABLE ? new Decision(d.rule(), d.message(), List.of(), d.memory()) : d;
  };

  /** The healthiest replica promotes itself instead of taking the free lock first. */
  private static final DecisionCore PROMOTE_WITHOUT_LOCK = (o, m) -> {
    Decision d = HaCore.decide(o, m);
    if (d.rule() != Rule.ACQUIRE_LOCK || !o.pg().isReplica()) {
      return d;
    }
    List<Action> actions = d.actions().stream()
        .map(a -> a instanceof Action.AcquireLock ? (Action) new Action.Promote(0, 0, false) : a).toList();
    return new Decision(d.rule(), d.message(), actions, d.memory());
  };

  /** A replica races in synchronous mode as if there were no {@code /sync}: any replica within the lag may win. */
  private static final DecisionCore RACE_IGNORING_SYNC = (o, m) -> HaCore.decide(o.pg().isReplica()
      ? new Observation(o.nowMillis(), o.view().map(v -> new ClusterView(v.initialize(), v.config(), v.leader(),
          v.members(), v.optime(), v.history(), v.historyPresent(), v.failover(), Optional.empty())), o.dcsError(),
          o.mySession(), o.pg(), o.peers(), o.settings())
      : o, m);

  /** The leader race without the failover_priority tie-break: every peer answers as if untagged. */
  private static final DecisionCore RACE_IGNORING_PRIORITY = (o, m) -> HaCore.decide(withPeers(o, o.peers().stream()
      .map(p -> new PeerStatus(p.name(), p.reachable(), p.primary(), p.walPosition(), p.nofailover(), p.timeline()))
      .toList()), m);

  /** A node tagged failover_priority 0 races as if it were untagged. */
  private static final DecisionCore PRIORITY_ZERO_IGNORED = (o, m) -> {
    NodeSettings s = o.settings();
    NodeSettings untagged = new NodeSettings(s.name(), false, s.canBootstrap(), s.bootstrapDcs(), s.dynamic(),
        s.connUrl(), s.apiUrl(), Map.of());
    return HaCore.decide(new Observation(o.nowMillis(), o.view(), o.dcsError(), o.mySession(), o.pg(), o.peers(),
        untagged, o.guards(), o.failsafeRound(), o.failsafeLeader()), m);
  };

  @Test
  void aRaceIgnoringPriorityIsCaughtByThePriorityInvariant() {
    assertCaught(RACE_IGNORING_PRIORITY, Invariant.PRIORITY_RESPECTED, NO_FENCE);
  }

  @Test
  void aPriorityZeroNodeThatRacesIsCaughtByThePriorityInvariant() {
    assertCaught(PRIORITY_ZERO_IGNORED, Invariant.PRIORITY_RESPECTED, NO_FENCE);
  }

  @Test
  void aRaceIgnoringSyncIsCaughtByTheDurabilityInvariant() {
    assertCaught(RACE_IGNORING_SYNC, Invariant.ACKED_COMMITS_SURVIVE, NO_FENCE);
  }

  @Test
  void blindRaceIsCaughtByTheLagInvariant() {
    assertCaught(BLIND_RACE, Invariant.PROMOTE_WITHIN_LAG, NO_FENCE);
  }

  @Test
  void missingDemotionWithoutDcsIsCaughtByTheFencingInvariant() {
    assertCaught(NO_DEMOTION_WITHOUT_DCS, Invariant.STALE_PRIMARY_FENCED, NO_FENCE);
  }

  @Test
  void promotionWithoutLockIsCaughtByTheLockInvariant() {
    assertCaught(PROMOTE_WITHOUT_LOCK, Invariant.PROMOTE_HOLDS_LOCK, NO_FENCE);
  }

  @Test
  void aFenceDeadlinePastTheLockExpiryIsCaughtByTheSingleWriterInvariant() {
    assertCaught(LATE_DEADLINE, Invariant.SINGLE_WRITER, RunOptions.defaults());
  }

  /**
   * Runs seeds until the mutant breaks {@code expected} on a seed where the real core does not, so the
   * violation is the mutant's doing.
   */
  private static void assertCaught(DecisionCore mutant, Invariant expected, RunOptions options) {
    Optional<Violation> caught = Optional.empty();
    long seed = BASE_SEED;
    while (caught.isEmpty() && seed < BASE_SEED + MAX_SCHEDULES) {
      Optional<Violation> v = Simulation.run(seed, options, mutant).violation()
          .filter(x -> x.invariant() == expected);
      if (v.isPresent() && Simulation.run(seed, options, DecisionCore.HA_CORE).violation()
          .filter(x -> x.invariant() == expected).isEmpty()) {
        caught = v;
      }
      seed++;
    }
    assertThat(caught).as("%s not broken by the mutant in %d schedules", expected, MAX_SCHEDULES).isPresent();
    System.out.println(expected + " caught after " + (seed - BASE_SEED) + " schedule(s), seed " + (seed - 1) + ": "
        + caught.get());
  }

  private static Observation withPeers(Observation o, List<PeerStatus> peers) {
    return new Observation(o.nowMillis(), o.view(), o.dcsError(), o.mySession(), o.pg(), peers, o.settings(),
        o.guards(), o.failsafeRound(), o.failsafeLeader());
  }

  private static Observation withoutWalComparison(Observation o) {
    Optional<ClusterView> view = o.view().map(v -> new ClusterView(v.initialize(), v.config(), v.leader(),
        v.members(), OptionalLong.empty(), v.history(), v.historyPresent(), v.failover()));
    return new Observation(o.nowMillis(), view, o.dcsError(), o.mySession(), o.pg(), List.of(), o.settings());
  }
}
