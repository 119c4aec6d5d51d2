package io.vigil.agent.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.config.DynamicConfig;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.ConfigNode;
import io.vigil.dcs.LeaderNode;
import io.vigil.dcs.MemberNode;
import io.vigil.postgres.PgStatus;
import io.vigil.postgres.RecoveryTarget;
import io.vigil.postgres.StopMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Table tests of the decision core: plain values in, rule and actions out; no mocks, no I/O. */
class HaCoreTest {

  private static final long MY_SESSION = 42;
  private static final String SYSID = "7310000000000000001";

  // ---- builders ---------------------------------------------------------------------------------

  private final List<MemberNode> members = new ArrayList<>();
  private Optional<LeaderNode> leader = Optional.empty();
  private Optional<String> initialize = Optional.of(SYSID);
  private OptionalLong optime = OptionalLong.empty();
  private LocalPg pg = replica(100);
  private List<PeerStatus> peers = List.of();
  private boolean nofailover;
  private AgentMemory memory = AgentMemory.initial();

  private static LocalPg replica(long wal) {
    return new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(status(true, wal)), Optional.of(SYSID));
  }

  private static LocalPg primary(long wal) {
    return new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(status(false, wal)), Optional.of(SYSID));
  }

  private static LocalPg stopped() {
    return new LocalPg(LocalPg.DataDir.INITIALIZED, false, Optional.empty(), Optional.of(SYSID));
  }

  private static LocalPg empty() {
    return new LocalPg(LocalPg.DataDir.EMPTY, false, Optional.empty(), Optional.empty());
  }

  private static PgStatus status(boolean inRecovery, long wal) {
    return new PgStatus(inRecovery, 1, inRecovery ? 0 : wal, inRecovery ? wal : 0, wal, false,
        "2026-11-23 10:00:00.000000+00:00", 150018, Optional.empty(), Optional.empty(), List.of());
  }

  private HaCoreTest member(String name, int port) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conn_url", "postgres://127.0.0.1:" + port + "/postgres");
    data.put("api_url", "http://127.0.0.1:" + (port + 1000) + "/patroni");
    data.put("state", "running");
    data.put("role", "replica");
    members.add(new MemberNode(name, data, name.hashCode()));
    return this;
  }

  private HaCoreTest leader(String name, long session) {
    leader = Optional.of(new LeaderNode(name, session, 0));
    return this;
  }

  private Decision decide() {
    DynamicConfig dyn = DynamicConfig.defaults();
    NodeSettings s = new NodeSettings("me", nofailover, true, Map.of("ttl", 30), dyn,
        "postgres://127.0.0.1:5000/postgres", "http://127.0.0.1:6000/patroni", Map.of());
    ClusterView view = new ClusterView(initialize, Optional.of(new ConfigNode(Map.of("ttl", 30), 0)), leader,
        members, optime, List.of(), false, Optional.empty());
    Observation o = new Observation(1_000, Optional.of(view), Optional.empty(), MY_SESSION, pg, peers, s);
    return HaCore.decide(o, memory);
  }

  private static List<Action> acting(Decision d) {
    return d.actions().stream().filter(a -> !a.housekeeping()).toList();
  }

  // ---- bootstrap --------------------------------------------------------------------------------

  @Test
  void emptyClusterRacesForInitialize() {
    initialize = Optional.empty();
    pg = empty();
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.RACE_INITIALIZE);
    assertThat(acting(d)).containsExactly(new Action.RaceInitialize());
  }

  @Test
  void winnerOfTheInitializeRaceBootstraps() {
    initialize = Optional.of("");
    pg = empty();
    memory = memory.withInitializeWon(true);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.BOOTSTRAP_NEW_CLUSTER);
    assertThat(acting(d)).containsExactly(new Action.BootstrapCluster(Map.of("ttl", 30)));
    assertThat(d.memory().initializeWon()).isFalse();
  }

  @Test
  void loserWaitsForTheLeaderThenClonesFromIt() {
    initialize = Optional.of("");
    pg = empty();
    assertThat(decide().rule()).isEqualTo(Rule.WAIT_FOR_LEADER_BOOTSTRAP);

    member("n1", 5432).leader("n1", 7);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.CLONE_FROM_LEADER);
    assertThat(acting(d)).containsExactly(new Action.CloneFrom("n1", "127.0.0.1", 5432));
  }

  @Test
  void nofailoverNodeNeverBootstraps() {
    initialize = Optional.empty();
    pg = empty();
    nofailover = true;
    assertThat(decide().rule()).isEqualTo(Rule.WAIT_FOR_LEADER_BOOTSTRAP);
  }

  @Test
  void dataOfAnotherClusterStopsTheAgent() {
    initialize = Optional.of("7399999999999999999");
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.SYSID_MISMATCH);
    assertThat(acting(d)).singleElement().isInstanceOf(Action.Exit.class);
  }

  // ---- leader race ------------------------------------------------------------------------------

  @Test
  void healthiestReplicaTakesTheFreeLock() {
    member("n2", 5433);
    peers = List.of(new PeerStatus("n2", true, false, 90, false));
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.ACQUIRE_LOCK);
    assertThat(acting(d)).containsExactly(new Action.AcquireLock());
  }

  @Test
  void aLivePrimaryPeerBlocksTheRace() {
    peers = List.of(new PeerStatus("n2", true, true, 50, false));
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.NOT_HEALTHIEST);
    assertThat(d.message()).contains("primary n2 is still alive");
    assertThat(acting(d)).isEmpty();
  }

  @Test
  void aPeerAheadInWalBlocksTheRace() {
    peers = List.of(new PeerStatus("n2", true, false, 200, false));
    assertThat(decide().rule()).isEqualTo(Rule.NOT_HEALTHIEST);
  }

  @Test
  void unreachableAndNofailoverPeersDoNotBlock() {
    peers = List.of(PeerStatus.unreachable("n2"), new PeerStatus("n3", true, false, 500, true));
    assertThat(decide().rule()).isEqualTo(Rule.ACQUIRE_LOCK);
  }

  @Test
  void replicaLaggingBeyondMaximumLagDoesNotRace() {
    optime = OptionalLong.of(100 + 1_048_576 + 1);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.NOT_HEALTHIEST);
    assertThat(d.message()).contains("maximum_lag_on_failover");
  }

  @Test
  void nofailoverReplicaDoesNotRace() {
    nofailover = true;
    assertThat(decide().rule()).isEqualTo(Rule.NOT_HEALTHIEST);
  }

  // ---- with the lock ----------------------------------------------------------------------------

  @Test
  void lockHolderInRecoveryPromotes() {
    member("me", 5000).leader("me", MY_SESSION);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.PROMOTE_WITH_LOCK);
    assertThat(acting(d)).containsExactly(new Action.Promote());
  }

  @Test
  void primaryWithTheLockKeepsItAndPublishesItsPosition() {
    member("me", 5000).member("n2", 5433).member("n-3.x", 5434).leader("me", MY_SESSION);
    pg = primary(4096);
    optime = OptionalLong.of(1000);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.LEADER_WITH_LOCK);
    assertThat(d.message()).isEqualTo("no action. I am (me), the leader with the lock");
    assertThat(acting(d)).isEmpty();
    assertThat(d.actions()).contains(new Action.WriteStatus(4096), new Action.SyncSlots(Set.of("n2", "n_3_x")));
  }

  @Test
  void primaryDoesNotRewriteAnUnchangedOptime() {
    member("me", 5000).leader("me", MY_SESSION);
    pg = primary(4096);
    optime = OptionalLong.of(4096);
    assertThat(decide().actions()).noneMatch(a -> a instanceof Action.WriteStatus);
  }

  @Test
  void lockOfAPreviousSessionOfMineIsReclaimed() {
    member("me", 5000).leader("me", MY_SESSION + 1);
    pg = primary(10);
    assertThat(acting(decide())).containsExactly(new Action.ReclaimLock());
  }

  // ---- following --------------------------------------------------------------------------------

  @Test
  void primaryWithoutTheLockDemotesAndFollowsTheLeader() {
    member("n1", 5432).leader("n1", 7);
    pg = primary(10);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.DEMOTE_WITHOUT_LOCK);
    RecoveryTarget n1 = new RecoveryTarget("127.0.0.1", 5432, Optional.of("me"));
    assertThat(acting(d)).containsExactly(new Action.StopPostgres(StopMode.IMMEDIATE),
        new Action.StartPostgres(true, Optional.of(n1)));
  }

  @Test
  void replicaPointsAtTheLeaderOnceThenStaysQuiet() {
    member("n1", 5432).leader("n1", 7);
    Decision first = decide();
    RecoveryTarget n1 = new RecoveryTarget("127.0.0.1", 5432, Optional.of("me"));
    assertThat(acting(first)).containsExactly(new Action.Follow(n1));
    memory = first.memory();
    Decision second = decide();
    assertThat(second.rule()).isEqualTo(Rule.FOLLOWING_LEADER);
    assertThat(second.message()).isEqualTo("no action. I am (me), a secondary, and following a leader (n1)");
    assertThat(acting(second)).isEmpty();
  }

  @Test
  void stoppedNodeStartsAsPrimaryOnlyWithTheLock() {
    pg = stopped();
    member("me", 5000).leader("me", MY_SESSION);
    assertThat(acting(decide())).containsExactly(new Action.StartPostgres(false, Optional.empty()));

    members.clear();
    member("n1", 5432).leader("n1", 7);
    assertThat(acting(decide())).containsExactly(new Action.StartPostgres(true,
        Optional.of(new RecoveryTarget("127.0.0.1", 5432, Optional.of("me")))));

    members.clear();
    leader = Optional.empty();
    assertThat(acting(decide())).containsExactly(new Action.StartPostgres(true, Optional.empty()));
  }

  // ---- DCS trouble and publishing ---------------------------------------------------------------

  @Test
  void primaryThatLosesTheDcsDemotes() {
    NodeSettings s = new NodeSettings("me", false, true, Map.of(), DynamicConfig.defaults(), "c", "a", Map.of());
    Observation o = new Observation(1, Optional.empty(), Optional.of("connection loss"), MY_SESSION, primary(5),
        List.of(), s);
    Decision d = HaCore.decide(o, AgentMemory.initial());
    assertThat(d.rule()).isEqualTo(Rule.DCS_UNREACHABLE);
    assertThat(d.actions()).containsExactly(new Action.StopPostgres(StopMode.FAST),
        new Action.StartPostgres(true, Optional.empty()));
  }

  @Test
  void everyCycleWithAViewPublishesTheMemberKey() {
    member("n1", 5432).leader("n1", 7);
    Decision d = decide();
    Action.TouchMember touch = (Action.TouchMember) d.actions().get(d.actions().size() - 1);
    assertThat(touch.data()).containsExactly(
        Map.entry("conn_url", "postgres://127.0.0.1:5000/postgres"),
        Map.entry("api_url", "http://127.0.0.1:6000/patroni"),
        Map.entry("state", "running"),
        Map.entry("role", "replica"),
        Map.entry("version", "3.0.2"),
        Map.entry("xlog_location", 100L),
        Map.entry("timeline", 1));
  }

  @Test
  void postgresThatDiedIsReportedCrashed() {
    memory = memory.withPgState("running");
    pg = stopped();
    assertThat(decide().memory().pgState()).isEqualTo("crashed");
  }
}
