package io.vigil.agent.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.config.DynamicConfig;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.ConfigNode;
import io.vigil.dcs.FailoverNode;
import io.vigil.dcs.FailoverTags;
import io.vigil.dcs.LeaderNode;
import io.vigil.dcs.MemberNode;
import io.vigil.dcs.SyncNode;
import io.vigil.postgres.PgStatus;
import io.vigil.postgres.RecoveryTarget;
import io.vigil.postgres.ReplicationRow;
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
  private Optional<FailoverNode> failover = Optional.empty();
  private boolean paused;
  private OptionalLong optime = OptionalLong.empty();
  private LocalPg pg = replica(100);
  private List<PeerStatus> peers = List.of();
  private boolean nofailover;
  private Map<String, Object> myTags = Map.of();
  private AgentMemory memory = AgentMemory.initial();
  private long now = 1_000;
  private Map<String, Object> dynamic = Map.of();
  private Optional<SyncNode> sync = Optional.empty();
  private Guards guards = Guards.NONE;
  private Optional<Map<String, String>> failsafe = Optional.empty();
  private Optional<FailsafeLeader> failsafeLeader = Optional.empty();

  private static LocalPg replica(long wal) {
    return new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(status(true, wal)), Optional.of(SYSID));
  }

  private static LocalPg primary(long wal) {
    return new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(status(false, wal)), Optional.of(SYSID));
  }

  private static LocalPg stopped() {
    return new LocalPg(LocalPg.DataDir.INITIALIZED, false, Optional.empty(), Optional.of(SYSID));
  }

  private static LocalPg stoppedFormerPrimary() {
    return new LocalPg(LocalPg.DataDir.INITIALIZED, false, Optional.empty(), Optional.of(SYSID), true);
  }

  private static LocalPg empty() {
    return new LocalPg(LocalPg.DataDir.EMPTY, false, Optional.empty(), Optional.empty());
  }

  private static PgStatus status(boolean inRecovery, long wal) {
    return new PgStatus(inRecovery, 1, inRecovery ? 0 : wal, inRecovery ? wal : 0, wal, false,
        "2026-11-23 10:00:00.000000+00:00", 150018, false, Optional.empty(), Optional.empty(), List.of());
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

  private HaCoreTest primaryMember(String name, int port) {
    member(name, port);
    MemberNode m = members.remove(members.size() - 1);
    Map<String, Object> data = new LinkedHashMap<>(m.data());
    data.put("role", "master");
    members.add(new MemberNode(name, data, m.session()));
    return this;
  }

  private Optional<String> proxyUrl = Optional.empty();

  private HaCoreTest leader(String name, long session) {
    leader = Optional.of(new LeaderNode(name, session, 0));
    return this;
  }

  private Decision decide() {
    Map<String, Object> dynamic = new LinkedHashMap<>(this.dynamic);
    if (paused) {
      dynamic.put("pause", true);
    }
    DynamicConfig dyn = DynamicConfig.fromMap(dynamic);
    NodeSettings s = new NodeSettings("me", nofailover || FailoverTags.nofailover(myTags), true, Map.of("ttl", 30), dyn,
        "postgres://127.0.0.1:5000/postgres", "http://127.0.0.1:6000/patroni", myTags, proxyUrl);
    ClusterView view = new ClusterView(initialize, Optional.of(new ConfigNode(Map.of("ttl", 30), 0)), leader,
        members, optime, List.of(), false, failover, sync, failsafe);
    Observation o = new Observation(now, Optional.of(view), Optional.empty(), MY_SESSION, pg, peers, s, guards,
        Optional.empty(), failsafeLeader);
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

  /**
   * Found by the simulator (watchdog required, no device on the node that started first): it bootstrapped, demoted
   * itself at once (GUARD_UNAVAILABLE), and the two others, with empty data directories, waited for a leader for ever.
   */
  @Test
  void aNodeThatMustNotLeadDoesNotRaceToBootstrap() {
    initialize = Optional.empty();
    pg = empty();
    guards = new Guards(Guards.REQUIRED, 5, Optional.of("device /dev/watchdog does not exist"), true, Optional.empty(),
        false);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.WAIT_FOR_LEADER_BOOTSTRAP);
    assertThat(acting(d)).isEmpty();

    guards = new Guards(Guards.OFF, 5, Optional.empty(), true, Optional.of("the fence process exited"), false);
    assertThat(decide().rule()).as("nor one whose fence is down").isEqualTo(Rule.WAIT_FOR_LEADER_BOOTSTRAP);
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
    assertThat(d.actions().indexOf(memberSlots("n2")))
        .as("n2 re-points the moment it sees the lock: its slot must already exist")
        .isNotNegative().isLessThan(d.actions().indexOf(new Action.AcquireLock()));
  }

  @Test
  void aReplicaKeepsOnlyTheSlotsOfMembersThatCascadeFromIt() {
    member("me", 5000).primaryMember("n2", 5433).member("n3", 5434).member("n4", 5435).leader("n2", 7);
    MemberNode n4 = members.remove(members.size() - 1);
    Map<String, Object> data = new LinkedHashMap<>(n4.data());
    data.put("tags", Map.of("replicatefrom", "me"));
    members.add(new MemberNode("n4", data, n4.session()));
    Decision d = decide();
    assertThat(d.actions()).as("slots made for a lost race go").contains(memberSlots("n4"));
  }

  @Test
  void aReplicaWhoseWalreceiverGaveUpIsWokenOnceTheLeaderMovesOn() {
    member("me", 5000).primaryMember("n2", 5433).leader("n2", 7);
    memory = decide().memory();
    assertThat(decide().rule()).isEqualTo(Rule.FOLLOWING_LEADER);

    optime = OptionalLong.of(4_096);
    Decision d = decide();
    assertThat(d.rule()).as("no walreceiver, and the leader is ahead").isEqualTo(Rule.WAKE_WALRECEIVER);
    assertThat(acting(d)).containsExactly(new Action.WakeWalReceiver());
    assertThat(d.message()).contains("leader (n2) although it is at 4096 and i am at 100");
    memory = d.memory();
    now += HaCore.WAKE_INTERVAL_MS - 1;
    assertThat(decide().rule()).as("one reload per retry interval").isEqualTo(Rule.FOLLOWING_LEADER);
    now += 1;
    assertThat(decide().rule()).isEqualTo(Rule.WAKE_WALRECEIVER);

    pg = new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(new PgStatus(true, 1, 0, 100, 100, false,
        "2026-11-23 10:00:00.000000+00:00", 150018, false, Optional.of("n2"), Optional.of("host=127.0.0.1 port=5433"),
        List.of())), Optional.of(SYSID));
    now += HaCore.WAKE_INTERVAL_MS;
    assertThat(decide().rule()).as("streaming, merely behind").isEqualTo(Rule.FOLLOWING_LEADER);
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

  // ---- failover_priority (Patroni 3.2) ---------------------------------------------------------------

  @Test
  void aPeerWithTheSameWalAndAHigherPriorityWinsTheTie() {
    myTags = Map.of("failover_priority", 1);
    peers = List.of(new PeerStatus("n2", true, false, 100, false, 0, 2));
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.NOT_HEALTHIEST);
    assertThat(d.message()).contains("n2 has the same wal position (100) and a higher failover_priority (2 > 1)");
    assertThat(acting(d)).isEmpty();
  }

  @Test
  void theHigherPriorityNodeRacesAtEqualWalAndEqualPrioritiesBothRace() {
    myTags = Map.of("failover_priority", 3);
    peers = List.of(new PeerStatus("n2", true, false, 100, false, 0, 2));
    assertThat(decide().rule()).isEqualTo(Rule.ACQUIRE_LOCK);

    myTags = Map.of("failover_priority", 2);
    assertThat(decide().rule()).as("a tie in both: the lock decides, as in Patroni").isEqualTo(Rule.ACQUIRE_LOCK);
  }

  @Test
  void walPositionBeatsPriority() {
    myTags = Map.of("failover_priority", 1);
    pg = replica(150);
    peers = List.of(new PeerStatus("n2", true, false, 100, false, 0, 9));
    assertThat(decide().rule()).as("more WAL wins over a higher priority").isEqualTo(Rule.ACQUIRE_LOCK);

    myTags = Map.of("failover_priority", 9);
    pg = replica(100);
    peers = List.of(new PeerStatus("n2", true, false, 150, false, 0, 1));
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.NOT_HEALTHIEST);
    assertThat(d.message()).contains("n2 has a higher wal position (150 > 100)");
  }

  @Test
  void priorityZeroNeverPromotesEvenAlone() {
    myTags = Map.of("failover_priority", 0);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.NOT_HEALTHIEST);
    assertThat(d.message()).contains("i am not allowed to promote (failover_priority 0)");
    assertThat(acting(d)).isEmpty();
  }

  @Test
  void anExplicitNofailoverFalseOverridesPriorityZero() {
    myTags = Map.of("nofailover", false, "failover_priority", 0);
    assertThat(decide().rule()).as("Patroni lets the nofailover tag decide").isEqualTo(Rule.ACQUIRE_LOCK);
    peers = List.of(new PeerStatus("n2", true, false, 100, false));
    assertThat(decide().rule()).as("but at priority 0 any eligible peer with equal WAL wins the tie")
        .isEqualTo(Rule.NOT_HEALTHIEST);
  }

  @Test
  void aPeerWhoseTagsLackThePriorityCountsAsOne() {
    myTags = Map.of("failover_priority", 2);
    peers = List.of(new PeerStatus("n2", true, false, 100, false));
    assertThat(decide().rule()).isEqualTo(Rule.ACQUIRE_LOCK);

    myTags = Map.of();
    assertThat(decide().rule()).as("both at the default 1").isEqualTo(Rule.ACQUIRE_LOCK);
  }

  @Test
  void aPriorityZeroNodeNamedAsCandidateStillDoesNotTakeTheLock() {
    myTags = Map.of("failover_priority", 0);
    member("me", 5000).member("n2", 5433);
    switchover(null, "me", null);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.NOT_HEALTHIEST);
    assertThat(d.message()).contains("i am not allowed to promote (failover_priority 0)");
  }

  @Test
  void aPriorityZeroPeerIsNotPolledAndDoesNotBlock() {
    member("n2", 5433);
    MemberNode n2 = members.remove(members.size() - 1);
    Map<String, Object> data = new LinkedHashMap<>(n2.data());
    data.put("tags", Map.of("failover_priority", 0));
    members.add(new MemberNode("n2", data, n2.session()));
    ClusterView view = new ClusterView(initialize, Optional.empty(), leader, members, optime, List.of(), false,
        failover, sync, failsafe);
    NodeSettings s = new NodeSettings("me", false, true, Map.of(), DynamicConfig.defaults(), "c", "a", Map.of());
    assertThat(LeaderRace.candidates(view, s)).isEmpty();
  }

  // ---- with the lock ----------------------------------------------------------------------------

  @Test
  void afterPrePromoteRefusedTheLockIsGivenBackAndNoRaceForTtl() {
    member("me", 5000).leader("me", MY_SESSION);
    memory = memory.withPrePromoteFailed(now);
    now += 1_000;
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.PRE_PROMOTE_REFUSED);
    assertThat(acting(d)).containsExactly(new Action.ReleaseLock());

    leader = Optional.empty();
    d = decide();
    assertThat(d.rule()).isEqualTo(Rule.NOT_HEALTHIEST);
    assertThat(d.message()).contains("pre_promote refused my last promotion less than ttl (30 s) ago");

    now += 30_000;
    assertThat(decide().rule()).as("ttl later it may race again").isEqualTo(Rule.ACQUIRE_LOCK);
    leader("me", MY_SESSION);
    assertThat(decide().rule()).as("and promote").isEqualTo(Rule.PROMOTE_WITH_LOCK);
  }

  @Test
  void aPromotionCarriesWhenTheLockWentAndTheBytesAtRisk() {
    member("n1", 5432).member("me", 5000).leader("n1", 7);
    memory = decide().memory();
    assertThat(memory.lockGoneAt()).isZero();
    leader = Optional.empty();
    now = 5_000;
    memory = decide().memory();
    assertThat(memory.lockGoneAt()).isEqualTo(5_000);
    now = 5_300;
    memory = decide().memory();
    assertThat(memory.lockGoneAt()).as("kept from the first cycle without a lock").isEqualTo(5_000);
    leader("me", MY_SESSION);
    optime = OptionalLong.of(160);
    now = 5_400;
    Decision d = decide();
    assertThat(acting(d)).last().isEqualTo(new Action.Promote(5_000, 60, false));
    assertThat(d.message()).contains("leader lock gone 400 ms ago; last leader position 160, mine 100");
  }

  @Test
  void lockHolderInRecoveryPromotes() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.PROMOTE_WITH_LOCK);
    assertThat(acting(d)).hasSize(3).last().isInstanceOf(Action.Promote.class);
    assertThat(acting(d).get(0)).as("pre_promote first: a refusal leaves /history alone")
        .isEqualTo(new Action.PrePromote());
    assertThat(d.actions().subList(0, 2)).as("replicas that re-point at once find their slots")
        .containsExactly(new Action.PrePromote(), memberSlots("n2"));
    Action.RecordPromotion record = (Action.RecordPromotion) acting(d).get(1);
    assertThat(record.history()).singleElement().satisfies(line -> {
      assertThat(line.subList(0, 3)).containsExactly(1L, 100L, HaCore.PROVISIONAL);
      assertThat((String) line.get(3)).as("Patroni's timestamp form, seconds even on a whole minute")
          .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{6})?\\+00:00");
      assertThat(line.get(4)).isEqualTo("me");
    });
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
    assertThat(d.actions()).contains(new Action.WriteStatus(4096), memberSlots("n2", "n_3_x"));
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
    pg = stoppedFormerPrimary();
    member("me", 5000).leader("me", MY_SESSION);
    assertThat(acting(decide())).containsExactly(new Action.StartPostgres(false, Optional.empty()));

    // a standby's data directory with the lock starts read-only, to be promoted onto a new timeline
    pg = stopped();
    assertThat(acting(decide())).containsExactly(new Action.StartPostgres(true, Optional.empty()));

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
  void aProxyAddressIsPublishedAsProxyUrl() {
    member("n1", 5432).leader("n1", 7);
    proxyUrl = Optional.of("postgres://127.0.0.1:6432/postgres");
    Decision d = decide();
    Action.TouchMember touch = (Action.TouchMember) d.actions().get(d.actions().size() - 1);
    assertThat(touch.data()).containsEntry("proxy_url", "postgres://127.0.0.1:6432/postgres");
  }

  @Test
  void postgresThatDiedIsReportedCrashed() {
    memory = memory.withPgState("running");
    pg = stopped();
    assertThat(decide().memory().pgState()).isEqualTo("crashed");
  }

  // ---- rejoin and rewind ------------------------------------------------------------------------

  private static final RecoveryTarget N1 = new RecoveryTarget("127.0.0.1", 5432, Optional.of("me"));

  @Test
  void aFormerPrimaryIsRewoundFromTheLeaderBeforeItStarts() {
    pg = stoppedFormerPrimary();
    primaryMember("n1", 5432).leader("n1", 7);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.REWIND_FROM_LEADER);
    assertThat(acting(d)).containsExactly(new Action.Rewind("n1", "127.0.0.1", 5432),
        new Action.StartPostgres(true, Optional.of(N1)));
  }

  @Test
  void aNodeWithoutAMemberKeyWritesItBeforeActing() {
    pg = stoppedFormerPrimary();
    primaryMember("n1", 5432).leader("n1", 7);
    Decision d = decide();
    assertThat(d.actions().get(0)).as("the leader creates this node's slot once it sees the key")
        .isInstanceOf(Action.TouchMember.class);
    assertThat(d.actions().get(d.actions().size() - 1)).isInstanceOf(Action.TouchMember.class);

    member("me", 5000);
    assertThat(decide().actions()).filteredOn(a -> a instanceof Action.TouchMember).hasSize(1);
  }

  @Test
  void rewindWaitsUntilTheLeaderIsAPrimaryWithItsCheckpointDone() {
    pg = stoppedFormerPrimary();
    member("n1", 5432).leader("n1", 7);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.REWIND_FROM_LEADER);
    assertThat(acting(d)).isEmpty();
    assertThat(d.message()).contains("waiting for leader n1");
  }

  @Test
  void aDemotedPrimaryStopsFirstAndIsRewoundNext() {
    primaryMember("n1", 5432).leader("n1", 7);
    pg = primary(10);
    Decision demote = decide();
    assertThat(acting(demote)).containsExactly(new Action.StopPostgres(StopMode.IMMEDIATE));
    assertThat(demote.memory().rewindPending()).isTrue();

    memory = demote.memory();
    pg = stopped();
    assertThat(acting(decide())).containsExactly(new Action.Rewind("n1", "127.0.0.1", 5432),
        new Action.StartPostgres(true, Optional.of(N1)));
  }

  @Test
  void aReplicaStartedFromAFormerPrimaryIsRewoundOnceALeaderAppears() {
    memory = memory.withRewindPending(true);
    primaryMember("n1", 5432).leader("n1", 7);
    assertThat(acting(decide())).containsExactly(new Action.StopPostgres(StopMode.FAST),
        new Action.Rewind("n1", "127.0.0.1", 5432), new Action.StartPostgres(true, Optional.of(N1)));
  }

  @Test
  void rewindGivesUpVisiblyAfterBoundedFailures() {
    pg = stoppedFormerPrimary();
    primaryMember("n1", 5432).leader("n1", 7);
    memory = memory.withRewindPending(true);
    for (int i = 0; i < AgentMemory.MAX_REWIND_ATTEMPTS; i++) {
      memory = memory.withRewindFailed();
    }
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.REWIND_GAVE_UP);
    assertThat(acting(d)).isEmpty();
    assertThat(d.memory().pgState()).isEqualTo("rewind failed");
  }

  @Test
  void aLeaderWhosePostgresKeepsFailingToStartReleasesTheLockAfterPrimaryStartTimeout() {
    pg = stoppedFormerPrimary();
    member("me", 5000).leader("me", MY_SESSION);
    now = 400_000;
    memory = memory.withStartFailed(100_000);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.START_TIMEOUT_RELEASE_LOCK);
    assertThat(acting(d)).containsExactly(new Action.ReleaseLock());

    memory = AgentMemory.initial().withStartFailed(399_000);
    assertThat(decide().rule()).isEqualTo(Rule.START_AS_PRIMARY_WITH_LOCK);
  }

  // ---- switchover, manual failover, pause ------------------------------------------------------

  private void switchover(String leaderName, String candidate, String scheduledAt) {
    failover = Optional.of(new FailoverNode(Optional.ofNullable(leaderName), Optional.ofNullable(candidate),
        Optional.ofNullable(scheduledAt), 3));
  }

  /** A primary whose pg_stat_replication shows these standbys streaming. */
  private static LocalPg primaryStreamingTo(long wal, String... standbys) {
    PgStatus st = status(false, wal);
    List<ReplicationRow> rows = java.util.Arrays.stream(standbys)
        .map(n -> new ReplicationRow("replicator", n, Optional.empty(), "streaming", "async", 0)).toList();
    return new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(new PgStatus(false, 1, wal, 0, 0, false,
        st.postmasterStartTime(), st.serverVersion(), false, Optional.empty(), Optional.empty(), rows)),
        Optional.of(SYSID));
  }

  @Test
  void leaderStepsDownForAHealthyCandidate() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    pg = primaryStreamingTo(100, "n2");
    peers = List.of(new PeerStatus("n2", true, false, 100, false));
    switchover("me", "n2", null);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.MANUAL_FAILOVER_DEMOTE);
    assertThat(acting(d)).containsExactly(new Action.GracefulDemote("n2"));
  }

  /**
   * A candidate that is not streaming from the leader (just re-pointed, reconnecting) would miss the shutdown
   * checkpoint: the leader waits for it, bounded, instead of stopping.
   */
  @Test
  void leaderWaitsForItsCandidateToStreamThenGivesUp() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    pg = primaryStreamingTo(100, "n3");
    peers = List.of(new PeerStatus("n2", true, false, 100, false));
    switchover("me", "n2", null);
    Decision waiting = decide();
    assertThat(waiting.rule()).isEqualTo(Rule.MANUAL_FAILOVER_WAIT_FOR_CANDIDATE);
    assertThat(acting(waiting)).containsExactly(new Action.RecheckSoon(Handover.RECHECK_MS));
    assertThat(waiting.memory().handoverWaitSince()).isEqualTo(now);

    memory = waiting.memory();
    now += Handover.WAIT_MS - 1;
    assertThat(decide().memory().handoverWaitSince()).as("the wait keeps its start").isEqualTo(1_000);
    now += 1;
    Decision gaveUp = decide();
    assertThat(gaveUp.rule()).isEqualTo(Rule.MANUAL_FAILOVER_CLEARED);
    assertThat(gaveUp.message()).contains("n2 did not stream from me");
    assertThat(gaveUp.actions()).contains(new Action.ClearFailover(java.util.OptionalInt.of(3)));
    assertThat(gaveUp.memory().handoverWaitSince()).isZero();

    memory = waiting.memory();
    pg = primaryStreamingTo(100, "n2");
    assertThat(acting(decide())).containsExactly(new Action.GracefulDemote("n2"));
  }

  /** The lock came through a switchover from n1, which stopped cleanly at LSN 5000 and is still a member. */
  private void holdingTheLockAfterASwitchoverFrom(String oldLeader, long finalLsn) {
    member(oldLeader, 5432).member("me", 5000).leader("me", MY_SESSION);
    optime = OptionalLong.of(finalLsn);
    switchover(oldLeader, "me", null);
  }

  /**
   * The fork seen in CI: the candidate took the lock 400 bytes behind the old leader's final LSN. Within
   * maximum_lag_on_failover, but those bytes were acknowledged writes. It waits for them instead.
   */
  @Test
  void aSwitchoverCandidateDoesNotPromoteBeforeItHasTheOldLeadersFinalWal() {
    holdingTheLockAfterASwitchoverFrom("n1", 5_000);
    pg = replica(4_600);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.HANDOVER_WAIT_FOR_WAL);
    assertThat(acting(d)).containsExactly(new Action.RecheckSoon(Handover.RECHECK_MS));
    assertThat(d.message()).contains("the final WAL of n1 (LSN 5000", "I have LSN 4600 on timeline 1");

    memory = d.memory();
    now += 300;
    pg = replica(5_000);
    assertThat(decide().rule()).as("the start of the shutdown checkpoint is not enough")
        .isEqualTo(Rule.HANDOVER_WAIT_FOR_WAL);
    pg = replica(5_104);
    Decision promote = decide();
    assertThat(promote.rule()).isEqualTo(Rule.PROMOTE_WITH_LOCK);
    assertThat(promote.memory().handoverWaitSince()).isZero();
  }

  @Test
  void aSwitchoverCandidateOnTheOldTimelineWaitsEvenWhenItsPositionIsHigher() {
    holdingTheLockAfterASwitchoverFrom("n1", 5_000);
    pg = onTimeline(replica(6_000), 1);
    // n1 was promoted to timeline 2 just before; this node has not received any WAL of it yet
    Decision d = decideWith(viewWithHistory(List.of(List.of(1L, 4_000L, "no recovery target specified", "t", "n1"))));
    assertThat(d.rule()).isEqualTo(Rule.HANDOVER_WAIT_FOR_WAL);
    pg = onTimeline(replica(6_000), 2);
    d = decideWith(viewWithHistory(List.of(List.of(1L, 4_000L, "no recovery target specified", "t", "n1"))));
    assertThat(d.rule()).isEqualTo(Rule.PROMOTE_WITH_LOCK);
  }

  /**
   * Simulator seed 20269386: the candidate wrote its provisional /history line, then its postmaster crashed before
   * pg_ctl promote. Its own line names a timeline nobody reached; it must not wait for that timeline's WAL.
   */
  @Test
  void aCandidateIgnoresItsOwnUnfinishedPromotionInHistory() {
    holdingTheLockAfterASwitchoverFrom("n1", 5_000);
    pg = onTimeline(replica(5_200), 1);
    List<Object> mine = List.of(1L, 5_200L, HaCore.PROVISIONAL, "t", "me");
    assertThat(decideWith(viewWithHistory(List.of(mine))).rule()).isEqualTo(Rule.PROMOTE_WITH_LOCK);
    List<Object> theirs = List.of(1L, 5_200L, HaCore.PROVISIONAL, "t", "n1");
    assertThat(decideWith(viewWithHistory(List.of(theirs))).rule()).isEqualTo(Rule.HANDOVER_WAIT_FOR_WAL);
  }

  @Test
  void aNodeRacesDespiteItsOwnUnfinishedPromotionButOthersDoNot() {
    pg = onTimeline(replica(5_200), 1);
    assertThat(decideWith(viewWithHistory(List.of(List.of(1L, 5_200L, HaCore.PROVISIONAL, "t", "me")))).rule())
        .isEqualTo(Rule.ACQUIRE_LOCK);
    assertThat(decideWith(viewWithHistory(List.of(List.of(1L, 5_200L, HaCore.PROVISIONAL, "t", "n3")))).rule())
        .isEqualTo(Rule.NOT_HEALTHIEST);
  }

  @Test
  void aCandidateWithoutTheFinalWalGivesTheLockBackAndStaysOutOfRaces() {
    holdingTheLockAfterASwitchoverFrom("n1", 5_000);
    pg = replica(4_600);
    memory = decide().memory();
    now += Handover.WAIT_MS;
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.HANDOVER_ABANDONED);
    assertThat(acting(d)).containsExactly(new Action.ReleaseLock());
    assertThat(d.actions()).contains(new Action.ClearFailover(java.util.OptionalInt.of(3)));
    assertThat(d.message()).contains("n1 has it and can lead again");

    memory = d.memory();
    leader = Optional.empty();
    failover = Optional.empty();
    now += 1_000;
    Decision next = decide();
    assertThat(next.rule()).isEqualTo(Rule.NOT_HEALTHIEST);
    assertThat(next.message()).contains("gave up a switchover");
    switchover("n1", "me", null);
    assertThat(acting(decide())).as("not even as the named candidate").doesNotContain(new Action.AcquireLock());
    failover = Optional.empty();
    now += 30_000;
    assertThat(decide().rule()).as("after ttl it may race again").isEqualTo(Rule.ACQUIRE_LOCK);
  }

  /** A leader that died (its member key expired with its session) left no final WAL to wait for. */
  @Test
  void aFailoverFromADeadLeaderPromotesWithinTheLagLimitAsBefore() {
    member("me", 5000).leader("me", MY_SESSION);
    optime = OptionalLong.of(5_000);
    switchover("n1", "me", null);
    pg = replica(4_600);
    assertThat(decide().rule()).isEqualTo(Rule.PROMOTE_WITH_LOCK);
  }

  @Test
  void requestForAnUnhealthyCandidateIsRemovedWithCas() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    pg = primary(100);
    peers = List.of(PeerStatus.unreachable("n2"));
    switchover("me", "n2", null);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.MANUAL_FAILOVER_CLEARED);
    assertThat(d.actions()).contains(new Action.ClearFailover(java.util.OptionalInt.of(3)));
    assertThat(acting(d)).isEmpty();
  }

  @Test
  void scheduledSwitchoverWaitsThenFiresThenExpires() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    pg = primaryStreamingTo(100, "n2");
    peers = List.of(new PeerStatus("n2", true, false, 100, false));
    switchover("me", "n2", "1970-01-01T00:01:00+00:00"); // 60 s after the observation time of 1 s
    assertThat(decide().rule()).isEqualTo(Rule.SCHEDULED_FAILOVER_WAIT);
    switchover("me", "n2", "1970-01-01T00:00:05+00:00");
    assertThat(acting(decide())).containsExactly(new Action.RecheckSoon(4_000));
    switchover("me", "n2", "1970-01-01T00:00:00.500+00:00");
    assertThat(acting(decide())).containsExactly(new Action.GracefulDemote("n2"));
    failover = Optional.empty();
    // more than 1.5 loop_wait late: stale, cleared
    NodeSettings s = new NodeSettings("me", false, true, Map.of(), DynamicConfig.defaults(), "c", "a", Map.of());
    ClusterView view = new ClusterView(initialize, Optional.of(new ConfigNode(Map.of("ttl", 30), 0)),
        leader, members, optime, List.of(), false, Optional.of(new FailoverNode(Optional.of("me"),
            Optional.of("n2"), Optional.of("1970-01-01T00:00:00+00:00"), 3)));
    Observation late = new Observation(60_000, Optional.of(view), Optional.empty(), MY_SESSION, pg, peers, s);
    assertThat(HaCore.decide(late, AgentMemory.initial()).rule()).isEqualTo(Rule.MANUAL_FAILOVER_CLEARED);
  }

  @Test
  void namedCandidateTakesTheFreeLockAndOthersLetItWin() {
    member("me", 5000).member("n2", 5433);
    switchover("n1", "me", null);
    assertThat(acting(decide())).containsExactly(new Action.AcquireLock());

    switchover("n1", "n2", null);
    peers = List.of(new PeerStatus("n2", true, false, 50, false));
    Decision other = decide();
    assertThat(other.rule()).isEqualTo(Rule.FAILOVER_WAIT_FOR_CANDIDATE);
    assertThat(acting(other)).isEmpty();
  }

  @Test
  void theStoppedOldLeaderWaitsForTheCandidateInsteadOfStarting() {
    pg = stoppedFormerPrimary();
    member("me", 5000).member("n2", 5433);
    switchover("me", "n2", null);
    peers = List.of(new PeerStatus("n2", true, false, 100, false));
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.FAILOVER_WAIT_FOR_CANDIDATE);
    assertThat(acting(d)).isEmpty();
  }

  @Test
  void theNewLeaderClearsTheRequestThatMadeIt() {
    member("me", 5000).leader("me", MY_SESSION);
    pg = primary(100);
    switchover("n1", "me", null);
    assertThat(decide().actions()).contains(new Action.ClearFailover(java.util.OptionalInt.empty()));
  }

  @Test
  void pausedClusterNeitherRacesNorDemotesNorStarts() {
    paused = true;
    assertThat(acting(decide())).isEmpty(); // a replica with no leader does not race

    pg = stopped();
    Decision stopped = decide();
    assertThat(stopped.rule()).isEqualTo(Rule.PAUSED);
    assertThat(stopped.message()).isEqualTo("postgres is not running");
    assertThat(acting(stopped)).isEmpty();

    pg = primary(10);
    member("n1", 5432).leader("n1", 7);
    Decision d = decide();
    assertThat(d.message()).isEqualTo("continue to run as primary without lock");
    assertThat(acting(d)).isEmpty();
    Action.TouchMember touch = (Action.TouchMember) d.actions().get(d.actions().size() - 1);
    assertThat(touch.data()).containsEntry("pause", true);
  }

  @Test
  void pausedPrimaryStillTakesAFreeLock() {
    paused = true;
    pg = primary(10);
    assertThat(acting(decide())).containsExactly(new Action.AcquireLock());
  }

  // ---- timelines (found by the simulator) --------------------------------------------------------

  private static LocalPg onTimeline(LocalPg base, int timeline) {
    PgStatus st = base.status().orElseThrow();
    return new LocalPg(base.dataDir(), base.running(), Optional.of(new PgStatus(st.inRecovery(), timeline,
        st.writeLsn(), st.receiveLsn(), st.replayLsn(), false, st.postmasterStartTime(), st.serverVersion(), st.pendingRestart(),
        Optional.empty(), Optional.of("host=10.0.0.1 port=5432"), List.of())), base.sysid());
  }

  private ClusterView viewWithHistory(List<List<Object>> history) {
    return new ClusterView(initialize, Optional.of(new ConfigNode(Map.of("ttl", 30), 0)), leader, members,
        optime, history, true, failover);
  }

  private Decision decideWith(ClusterView view) {
    NodeSettings s = new NodeSettings("me", false, true, Map.of(), DynamicConfig.defaults(), "c", "a", Map.of());
    return HaCore.decide(new Observation(now, Optional.of(view), Optional.empty(), MY_SESSION, pg, peers, s), memory);
  }

  @Test
  void aStalePrimaryOnAnOldTimelineDoesNotTakeAFreeLock() {
    pg = onTimeline(primary(5_000_000), 1);
    Decision d = decideWith(viewWithHistory(List.of(List.of(1L, 1000L, "no recovery target specified", "t", "n2"))));
    assertThat(d.message()).contains("behind the cluster's timeline 2");
    // and, being a primary that may not lead, it stops taking writes
    assertThat(d.rule()).isEqualTo(Rule.DEMOTE_WITHOUT_LOCK);
    assertThat(acting(d)).startsWith(new Action.StopPostgres(StopMode.IMMEDIATE));
  }

  @Test
  void aPeerOnANewerTimelineWinsOverAHigherWalPosition() {
    pg = onTimeline(replica(9_000_000), 1);
    peers = List.of(new PeerStatus("n2", true, false, 10, false, 2));
    assertThat(decide().message()).contains("newer timeline");
  }

  @Test
  void aReplicaThatReplayedPastTheSwitchPointIsRewound() {
    primaryMember("n1", 5432).leader("n1", 7);
    memory = memory.withFollowing(Optional.of(N1));
    pg = onTimeline(replica(5_000), 1);
    Decision d = decideWith(viewWithHistory(List.of(List.of(1L, 4_000L, "no recovery target specified", "t", "n1"))));
    assertThat(acting(d)).containsExactly(new Action.StopPostgres(StopMode.FAST),
        new Action.Rewind("n1", "127.0.0.1", 5432), new Action.StartPostgres(true, Optional.of(N1)));
  }

  @Test
  void anOldLeaderThatTakesTheLockBackRemovesItsAbandonedSwitchover() {
    pg = primary(100);
    switchover("me", "n2", null);
    Decision d = decide();
    assertThat(d.actions()).contains(new Action.AcquireLock(), new Action.ClearFailover(java.util.OptionalInt.of(3)));
  }

  @Test
  void aLaggingCandidateIsNotSwitchedTo() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    pg = primary(10_000_000);
    peers = List.of(new PeerStatus("n2", true, false, 100, false));
    switchover("me", "n2", null);
    assertThat(decide().rule()).isEqualTo(Rule.MANUAL_FAILOVER_CLEARED);
  }

  // ---- synchronous replication ------------------------------------------------------------------

  /** A primary with these walsenders: name, sync_state, flushed position; and synchronous_standby_names. */
  private static LocalPg primaryWith(long wal, String ssn, Object... rows) {
    List<ReplicationRow> list = new ArrayList<>();
    for (int i = 0; i < rows.length; i += 3) {
      list.add(new ReplicationRow("replicator", (String) rows[i], Optional.empty(), "streaming", (String) rows[i + 1],
          0, (Long) rows[i + 2], (Long) rows[i + 2], (Long) rows[i + 2]));
    }
    return new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(new PgStatus(false, 1, wal, 0, 0, false,
        "2026-11-23 10:00:00.000000+00:00", 150018, false, Optional.empty(), Optional.empty(), list, ssn)),
        Optional.of(SYSID));
  }

  private void syncMode(boolean strict) {
    dynamic = Map.of("synchronous_mode", true, "synchronous_mode_strict", strict);
  }

  private static SyncNode syncNode(String leaderName, int version, String... standbys) {
    return new SyncNode(Optional.of(leaderName), List.of(standbys), java.util.OptionalInt.empty(), version);
  }

  private static Map<String, Object> syncValue(String leaderName, String standbys) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("leader", leaderName);
    v.put("sync_standby", standbys);
    return v;
  }

  @Test
  void aLeaderInSyncModeNamesAStandbyInPostgresBeforeItListsItInSync() {
    syncMode(false);
    member("me", 5000).member("n2", 5433).member("n3", 5434).leader("me", MY_SESSION);
    pg = primaryWith(1_000, "", "n2", "async", 900L, "n3", "async", 1_000L);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.SYNC_STANDBYS);
    assertThat(acting(d)).containsExactly(new Action.WriteSync(syncValue("me", null), java.util.OptionalInt.empty()),
        new Action.SetSyncStandbyNames("n3"), new Action.RecheckSoon(SyncReplication.SETTLE_RECHECK_MS));

    // PostgreSQL waits for n3 now; it enters /sync once it flushed what was written when that was first seen
    sync = Optional.of(syncNode("me", 4));
    pg = primaryWith(2_000, "n3", "n2", "async", 1_500L, "n3", "sync", 1_900L);
    Decision armed = decide();
    assertThat(armed.actions()).noneMatch(a -> a instanceof Action.WriteSync);
    assertThat(armed.memory().syncConfirmLsn()).isEqualTo(2_000);
    memory = armed.memory();
    pg = primaryWith(2_500, "n3", "n2", "async", 1_500L, "n3", "sync", 2_000L);
    assertThat(acting(decide())).startsWith(new Action.WriteSync(syncValue("me", "n3"), java.util.OptionalInt.of(4)));

    sync = Optional.of(syncNode("me", 5, "n3"));
    Decision steady = decide();
    assertThat(steady.rule()).isEqualTo(Rule.LEADER_WITH_LOCK);
  }

  @Test
  void aDeadSyncStandbyLeavesSyncBeforePostgresStopsWaitingForIt() {
    syncMode(false);
    member("me", 5000).member("n2", 5433).member("n3", 5434).leader("me", MY_SESSION);
    sync = Optional.of(syncNode("me", 5, "n3"));
    pg = primaryWith(3_000, "n3", "n2", "async", 2_900L);
    assertThat(acting(decide())).startsWith(new Action.WriteSync(syncValue("me", null), java.util.OptionalInt.of(5)),
        new Action.SetSyncStandbyNames("n2"));
  }

  @Test
  void strictModeWithoutStandbysMakesCommitsWait() {
    syncMode(true);
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    sync = Optional.of(syncNode("me", 5, "n2"));
    pg = primaryWith(3_000, "n2");
    assertThat(acting(decide())).startsWith(new Action.WriteSync(syncValue("me", null), java.util.OptionalInt.of(5)),
        new Action.SetSyncStandbyNames("*"));
  }

  @Test
  void switchingSyncModeOffClearsSyncBeforePostgres() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    sync = Optional.of(syncNode("me", 5, "n2"));
    pg = primaryWith(3_000, "n2", "n2", "sync", 3_000L);
    assertThat(acting(decide())).startsWith(new Action.WriteSync(Map.of(), java.util.OptionalInt.of(5)),
        new Action.SetSyncStandbyNames(""));
  }

  /** Garbage in /sync, or a name that is no member: the leader rewrites it with CAS on the version it read. */
  @Test
  void theLeaderRewritesAnUnreadableOrForeignSyncRecord() {
    syncMode(false);
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    pg = primaryWith(3_000, "n2", "n2", "sync", 3_000L);
    sync = Optional.of(SyncNode.empty(9));
    assertThat(acting(decide())).startsWith(new Action.WriteSync(syncValue("me", null), java.util.OptionalInt.of(9)));
    sync = Optional.of(syncNode("me", 10, "ghost", "n2"));
    assertThat(acting(decide())).startsWith(new Action.WriteSync(syncValue("me", "n2"), java.util.OptionalInt.of(10)));
  }

  @Test
  void onlyASynchronousStandbyMayRaceInSyncMode() {
    syncMode(false);
    member("n1", 5432).member("me", 5000);
    sync = Optional.of(syncNode("n1", 5, "n3"));
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.NOT_HEALTHIEST);
    assertThat(d.message()).contains("i am not a synchronous standby");

    sync = Optional.of(syncNode("n1", 5, "me"));
    assertThat(decide().rule()).isEqualTo(Rule.ACQUIRE_LOCK);

    sync = Optional.of(SyncNode.empty(7)); // garbage, or no leader: nobody is known to hold every acknowledged commit
    assertThat(decide().rule()).isEqualTo(Rule.NOT_HEALTHIEST);
  }

  @Test
  void afterSynchronousModeWasSwitchedOffTheUsualRulesDecideEvenWhenItIsBackOn() {
    // The simulator's case: the leader wrote {} when the mode went off, was cut off when it came back on, and its
    // session expired; nobody could ever take over while {} blocked the race.
    syncMode(true);
    member("n1", 5432).member("me", 5000);
    sync = Optional.of(SyncNode.from(Map.of(), 7));
    assertThat(sync.get().switchedOff()).isTrue();
    assertThat(decide().rule()).isEqualTo(Rule.ACQUIRE_LOCK);
  }

  @Test
  void aNonSyncPeerAheadOfMeDoesNotStopASyncStandbyFromRacing() {
    syncMode(false);
    member("n1", 5432).member("me", 5000).member("n3", 5434);
    sync = Optional.of(syncNode("n1", 5, "me"));
    peers = List.of(new PeerStatus("n3", true, false, 500, false));
    assertThat(decide().rule()).isEqualTo(Rule.ACQUIRE_LOCK);
  }

  @Test
  void aPromotionInStrictModeClaimsSyncAndMakesCommitsWaitBeforePromoting() {
    syncMode(true);
    member("me", 5000).leader("me", MY_SESSION);
    sync = Optional.of(syncNode("n1", 5, "me"));
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.PROMOTE_WITH_LOCK);
    List<Action> acts = acting(d);
    assertThat(acts.subList(0, 3)).containsExactly(new Action.PrePromote(),
        new Action.WriteSync(syncValue("me", null), java.util.OptionalInt.of(5)), new Action.SetSyncStandbyNames("*"));
    assertThat(acts.get(acts.size() - 1)).isInstanceOf(Action.Promote.class);
  }

  @Test
  void aSwitchoverInSyncModeGoesOnlyToASyncStandby() {
    syncMode(false);
    member("me", 5000).member("n2", 5433).member("n3", 5434).leader("me", MY_SESSION);
    sync = Optional.of(syncNode("me", 5, "n3"));
    pg = primaryWith(3_000, "n3", "n2", "async", 3_000L, "n3", "sync", 3_000L);
    peers = List.of(new PeerStatus("n2", true, false, 3_000, false), new PeerStatus("n3", true, false, 3_000, false));
    switchover("me", "n2", null);
    assertThat(decide().rule()).isEqualTo(Rule.MANUAL_FAILOVER_CLEARED);
    switchover("me", null, null);
    assertThat(acting(decide())).containsExactly(new Action.GracefulDemote("n3"));
  }

  private static SyncNode quorumNode(String leaderName, int version, int q, String... standbys) {
    return new SyncNode(Optional.of(leaderName), List.of(standbys), java.util.OptionalInt.of(q), version);
  }

  private static Map<String, Object> quorumValue(String leaderName, int q, String standbys) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("leader", leaderName);
    v.put("quorum", q);
    v.put("sync_standby", standbys);
    return v;
  }

  @Test
  void quorumModeWaitsForAnyKOfAllStandbysAndListsThemOnceTheyCaughtUp() {
    dynamic = Map.of("synchronous_mode", "quorum", "synchronous_node_count", 1);
    member("me", 5000).member("n2", 5433).member("n3", 5434).leader("me", MY_SESSION);
    pg = primaryWith(1_000, "", "n2", "async", 900L, "n3", "async", 1_000L);
    assertThat(acting(decide())).startsWith(new Action.WriteSync(syncValue("me", null), java.util.OptionalInt.empty()),
        new Action.SetSyncStandbyNames("ANY 1 (n2,n3)"));

    sync = Optional.of(syncNode("me", 4));
    pg = primaryWith(2_000, "ANY 1 (n2,n3)", "n2", "quorum", 1_500L, "n3", "quorum", 1_900L);
    Decision armed = decide();
    assertThat(armed.memory().syncConfirmLsn()).isEqualTo(2_000);
    memory = armed.memory();
    pg = primaryWith(2_100, "ANY 1 (n2,n3)", "n2", "quorum", 2_000L, "n3", "quorum", 2_050L);
    assertThat(acting(decide())).startsWith(new Action.WriteSync(quorumValue("me", 1, "n2,n3"),
        java.util.OptionalInt.of(4)));
  }

  /**
   * ANY 1 (n2,n3): a commit may be on n3 alone. When n3 dies, n2 stays listed but with quorum 1 it cannot promote
   * alone until it flushed past the point where PostgreSQL started waiting for it only.
   */
  @Test
  void aQuorumStandbyThatDiesLeavesTheQuorumHighUntilTheOthersCaughtUp() {
    dynamic = Map.of("synchronous_mode", "quorum", "synchronous_node_count", 1);
    member("me", 5000).member("n2", 5433).member("n3", 5434).leader("me", MY_SESSION);
    sync = Optional.of(quorumNode("me", 6, 1, "n2", "n3"));
    pg = primaryWith(3_000, "ANY 1 (n2,n3)", "n2", "quorum", 2_900L);
    assertThat(acting(decide())).startsWith(new Action.WriteSync(quorumValue("me", 1, "n2"),
        java.util.OptionalInt.of(6)), new Action.SetSyncStandbyNames("ANY 1 (n2)"));

    sync = Optional.of(quorumNode("me", 7, 1, "n2"));
    pg = primaryWith(3_100, "ANY 1 (n2)", "n2", "quorum", 3_000L);
    memory = decide().memory();
    assertThat(memory.syncConfirmLsn()).isEqualTo(3_100);
    pg = primaryWith(3_300, "ANY 1 (n2)", "n2", "quorum", 3_100L);
    assertThat(acting(decide())).startsWith(new Action.WriteSync(quorumValue("me", 0, "n2"),
        java.util.OptionalInt.of(7)));
  }

  @Test
  void aQuorumStandbyRacesOnlyWhenItSeesTheQuorum() {
    dynamic = Map.of("synchronous_mode", "quorum");
    member("n1", 5432).member("me", 5000).member("n3", 5434);
    sync = Optional.of(quorumNode("n1", 5, 1, "me", "n3"));
    Decision alone = decide();
    assertThat(alone.rule()).isEqualTo(Rule.NOT_HEALTHIEST);
    assertThat(alone.message()).contains("i see 0 of the other standbys in /sync");
    peers = List.of(new PeerStatus("n3", true, false, 100, false));
    assertThat(decide().rule()).isEqualTo(Rule.ACQUIRE_LOCK);
    peers = List.of(new PeerStatus("n3", true, false, 150, false));
    assertThat(decide().rule()).as("n3 may hold a commit i lack").isEqualTo(Rule.NOT_HEALTHIEST);
  }

  @Test
  void leavingQuorumModeTrustsNoListedStandbyUntilConfirmed() {
    syncMode(false);
    member("me", 5000).member("n2", 5433).member("n3", 5434).leader("me", MY_SESSION);
    sync = Optional.of(quorumNode("me", 6, 1, "n2", "n3"));
    pg = primaryWith(3_000, "ANY 1 (n2,n3)", "n2", "quorum", 3_000L, "n3", "quorum", 2_000L);
    assertThat(acting(decide())).startsWith(new Action.WriteSync(syncValue("me", null), java.util.OptionalInt.of(6)),
        new Action.SetSyncStandbyNames("n2"));
  }

  // ---- scheduled restart ------------------------------------------------------------------------

  private static final String STARTED = "2026-11-23 10:00:00.000000+00:00";

  private void scheduleRestart(long at, RestartConditions conditions) {
    if (members.isEmpty()) {
      member("n1", 5432).leader("n1", 7);
    }
    memory = decide().memory().withScheduledRestart(Optional.of(new ScheduledRestart(at,
        Map.of("schedule", "2026-11-23T10:00:00+00:00"), conditions, Optional.of(STARTED))));
  }

  @Test
  void scheduledRestartWaitsThenRunsOnceWhenDue() {
    scheduleRestart(60_000, RestartConditions.NONE);
    now = 40_000;
    Decision far = decide();
    assertThat(far.rule()).isEqualTo(Rule.FOLLOWING_LEADER);
    assertThat(far.actions()).filteredOn(a -> a instanceof Action.TouchMember).singleElement()
        .satisfies(t -> assertThat(((Action.TouchMember) t).data().get("scheduled_restart")).isEqualTo(
            Map.of("schedule", "2026-11-23T10:00:00+00:00", "postmaster_start_time", STARTED)));
    now = 55_000;
    Decision soon = decide();
    assertThat(soon.rule()).isEqualTo(Rule.SCHEDULED_RESTART_WAIT);
    assertThat(acting(soon)).containsExactly(new Action.RecheckSoon(5_000));
    now = 60_000;
    Decision due = decide();
    assertThat(due.rule()).isEqualTo(Rule.SCHEDULED_RESTART);
    assertThat(acting(due)).containsExactly(new Action.RestartPostgres(OptionalLong.empty()));
    assertThat(due.memory().scheduledRestart()).isEmpty();
  }

  @Test
  void scheduledRestartIsDroppedWhenStaleOrConditionsFailOrPostgresRestartedMeanwhile() {
    scheduleRestart(60_000, RestartConditions.NONE);
    now = 60_000 + 15_001;
    Decision stale = decide();
    assertThat(stale.rule()).isEqualTo(Rule.SCHEDULED_RESTART_DROPPED);
    assertThat(stale.message()).contains("stale");
    assertThat(acting(stale)).isEmpty();
    assertThat(stale.memory().scheduledRestart()).isEmpty();

    scheduleRestart(60_000, new RestartConditions(Optional.of("master"), java.util.OptionalInt.empty(), false,
        OptionalLong.empty()));
    now = 60_000;
    Decision wrongRole = decide();
    assertThat(wrongRole.rule()).isEqualTo(Rule.SCHEDULED_RESTART_DROPPED);
    assertThat(wrongRole.message()).contains("restart conditions are not satisfied");
    assertThat(acting(wrongRole)).isEmpty();

    scheduleRestart(600_000, RestartConditions.NONE);
    memory = memory.withScheduledRestart(memory.scheduledRestart().map(r -> new ScheduledRestart(r.atMillis(),
        r.request(), r.conditions(), Optional.of("2026-11-23 09:00:00+00:00"))));
    Decision restarted = decide();
    assertThat(restarted.rule()).isEqualTo(Rule.SCHEDULED_RESTART_DROPPED);
    assertThat(restarted.message()).contains("postgres restart has already happened at " + STARTED);
  }

  @Test
  void scheduledRestartWaitsWhilePaused() {
    scheduleRestart(60_000, RestartConditions.NONE);
    paused = true;
    now = 60_000;
    assertThat(decide().rule()).isNotIn(Rule.SCHEDULED_RESTART, Rule.SCHEDULED_RESTART_DROPPED);
    assertThat(decide().memory().scheduledRestart()).isPresent();
  }

  @Test
  void restartConditionsFollowPatronisRestartMatches() {
    RestartConditions pendingOnly = new RestartConditions(Optional.empty(), java.util.OptionalInt.empty(), true,
        OptionalLong.empty());
    assertThat(pendingOnly.matches(replica(1))).isFalse();
    LocalPg pending = new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(new PgStatus(true, 1, 0, 1, 1, false,
        STARTED, 150018, true, Optional.empty(), Optional.empty(), List.of())), Optional.of(SYSID));
    assertThat(pendingOnly.matches(pending)).isTrue();
    RestartConditions older = new RestartConditions(Optional.of("replica"), java.util.OptionalInt.of(150019), false,
        OptionalLong.empty());
    assertThat(older.matches(replica(1))).as("15.18 < 15.19").isTrue();
    assertThat(new RestartConditions(Optional.empty(), java.util.OptionalInt.of(150018), false, OptionalLong.empty())
        .matches(replica(1))).as("not older").isFalse();
    assertThat(older.matches(primary(1))).as("role").isFalse();
    assertThat(RestartConditions.NONE.matches(primary(1))).isTrue();
  }

  // ---- watchdog and fence (wire spec 8.1) --------------------------------------------------------

  private static Guards guards(String mode, Optional<String> watchdogProblem, boolean fence,
      Optional<String> fenceProblem, boolean armed) {
    return new Guards(mode, 5, watchdogProblem, fence, fenceProblem, armed);
  }

  @Test
  void theGuardsAreArmedRightBeforeThePromotionWithTtlMinusTheSafetyMargin() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    guards = guards(Guards.AUTOMATIC, Optional.empty(), true, Optional.empty(), false);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.PROMOTE_WITH_LOCK);
    List<Action> acting = acting(d);
    assertThat(acting.get(acting.size() - 2)).isEqualTo(new Action.ArmGuards(25, true, true));
    assertThat(acting).last().isInstanceOf(Action.Promote.class);
  }

  @Test
  void aPrimaryWithTheLockFeedsTheGuardsFirstThingAndQuietly() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    pg = primary(4096);
    guards = guards(Guards.OFF, Optional.empty(), true, Optional.empty(), true);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.LEADER_WITH_LOCK);
    assertThat(d.actions().get(0)).as("right after the read that confirmed the lock")
        .isEqualTo(new Action.FeedGuards(25, false, true));
    assertThat(d.acts()).as("steady state stays one log line").isFalse();

    guards = guards.withArmed(false);
    assertThat(decide().actions().get(0)).isEqualTo(new Action.ArmGuards(25, false, true));
  }

  @Test
  void theGuardsAreDisarmedBeforeASwitchoverAPauseADemotionOrWithoutTheLock() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    pg = primaryStreamingTo(100, "n2");
    guards = guards(Guards.AUTOMATIC, Optional.empty(), true, Optional.empty(), true);
    peers = List.of(new PeerStatus("n2", true, false, 100, false));
    switchover("me", "n2", null);
    assertThat(acting(decide())).containsExactly(new Action.DisarmGuards(), new Action.GracefulDemote("n2"));

    failover = Optional.empty();
    paused = true;
    assertThat(decide().actions().get(0)).isEqualTo(new Action.DisarmGuards());

    paused = false;
    leader("n2", 7);
    Decision demote = decide();
    assertThat(demote.rule()).isEqualTo(Rule.DEMOTE_WITHOUT_LOCK);
    assertThat(acting(demote).subList(0, 2))
        .containsExactly(new Action.DisarmGuards(), new Action.StopPostgres(StopMode.IMMEDIATE));

    pg = replica(100);
    assertThat(decide().actions()).as("a replica has nothing to disarm once disarmed")
        .contains(new Action.DisarmGuards());
    guards = guards.withArmed(false);
    assertThat(decide().actions()).noneMatch(a -> a instanceof Action.DisarmGuards
        || a instanceof Action.ArmGuards || a instanceof Action.FeedGuards);
  }

  /**
   * Found by the simulator (seed 20263683, invariant 4c): the leader's postmaster crashed, the next cycle disarmed the
   * fence (PostgreSQL was not running) and started it as primary; the agent froze during the start, and PostgreSQL came
   * up writable with nothing to stop it when the lock went to another node 30 s later.
   */
  @Test
  void theLockHolderArmsTheGuardsRightBeforeStartingAsPrimaryNotDisarmsThem() {
    pg = stoppedFormerPrimary();
    member("me", 5000).leader("me", MY_SESSION);
    guards = guards(Guards.OFF, Optional.empty(), true, Optional.empty(), true);
    assertThat(acting(decide())).containsExactly(new Action.ArmGuards(25, false, true),
        new Action.StartPostgres(false, Optional.empty()));

    guards = guards.withArmed(false);
    assertThat(acting(decide())).containsExactly(new Action.ArmGuards(25, false, true),
        new Action.StartPostgres(false, Optional.empty()));

    pg = stopped();
    assertThat(acting(decide())).as("a standby's data directory starts read-only: nothing to arm yet")
        .containsExactly(new Action.StartPostgres(true, Optional.empty()));
    guards = guards.withArmed(true);
    assertThat(acting(decide())).containsExactly(new Action.DisarmGuards(), new Action.StartPostgres(true,
        Optional.empty()));
  }

  @Test
  void offModeAndNoFenceMeanNoGuardActionsAtAll() {
    member("me", 5000).leader("me", MY_SESSION);
    guards = guards(Guards.OFF, Optional.empty(), false, Optional.empty(), false);
    assertThat(decide().actions()).noneMatch(a -> a instanceof Action.ArmGuards);
    pg = primary(10);
    assertThat(decide().actions()).noneMatch(a -> a instanceof Action.ArmGuards || a instanceof Action.FeedGuards);
  }

  @Test
  void automaticModeWithoutADeviceStillLeadsWithTheFenceAlone() {
    member("me", 5000).leader("me", MY_SESSION);
    guards = guards(Guards.AUTOMATIC, Optional.of("device /dev/watchdog does not exist"), true, Optional.empty(),
        false);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.PROMOTE_WITH_LOCK);
    assertThat(acting(d)).contains(new Action.ArmGuards(25, false, true));
  }

  @Test
  void requiredModeWithAMissingDeviceNeitherRacesNorPromotesAndAPrimaryDemotes() {
    member("n2", 5433);
    peers = List.of(new PeerStatus("n2", true, false, 90, false));
    guards = guards(Guards.REQUIRED, Optional.of("device /dev/watchdog does not exist"), false, Optional.empty(),
        false);
    Decision race = decide();
    assertThat(race.rule()).isEqualTo(Rule.NOT_HEALTHIEST);
    assertThat(race.message()).isEqualTo("not racing for the leader lock because the watchdog is required but not "
        + "usable: device /dev/watchdog does not exist");
    Action.TouchMember touch = (Action.TouchMember) race.actions().get(race.actions().size() - 1);
    assertThat(touch.data()).as("vigilctl list shows why").containsEntry("watchdog_failed",
        "the watchdog is required but not usable: device /dev/watchdog does not exist");

    leader("me", MY_SESSION).member("me", 5000);
    Decision promote = decide();
    assertThat(promote.rule()).isEqualTo(Rule.GUARD_UNAVAILABLE);
    assertThat(acting(promote)).containsExactly(new Action.ReleaseLock());

    pg = primary(100);
    Decision primary = decide();
    assertThat(primary.rule()).isEqualTo(Rule.GUARD_UNAVAILABLE);
    assertThat(primary.message()).startsWith("demoting self because the watchdog is required");
    assertThat(acting(primary)).containsExactly(new Action.StopPostgres(StopMode.IMMEDIATE), new Action.ReleaseLock(),
        new Action.StartPostgres(true, Optional.empty()));
  }

  @Test
  void aTimeoutShorterThanLoopWaitMakesTheWatchdogUnusable() {
    member("me", 5000).leader("me", MY_SESSION);
    dynamic = Map.of("ttl", 30, "loop_wait", 10, "retry_timeout", 5);
    guards = new Guards(Guards.REQUIRED, 25, Optional.empty(), true, Optional.empty(), false);
    Decision required = decide();
    assertThat(required.rule()).isEqualTo(Rule.GUARD_UNAVAILABLE);
    assertThat(required.message()).isEqualTo("releasing the leader lock without promoting: the watchdog is required "
        + "but its timeout (5 s, ttl - safety_margin) is shorter than loop_wait (10 s)");

    guards = new Guards(Guards.AUTOMATIC, 25, Optional.empty(), true, Optional.empty(), false);
    Decision automatic = decide();
    assertThat(automatic.rule()).as("automatic never blocks; neither guard can keep up, so none is armed")
        .isEqualTo(Rule.PROMOTE_WITH_LOCK);
    assertThat(automatic.actions()).noneMatch(a -> a instanceof Action.ArmGuards);

    guards = new Guards(Guards.AUTOMATIC, -1, Optional.empty(), true, Optional.empty(), false);
    assertThat(acting(decide())).as("-1: ttl / 2").contains(new Action.ArmGuards(15, true, true));
  }

  @Test
  void aNodeWhoseFenceIsDownDoesNotPromoteButAPrimaryKeepsLeading() {
    member("n2", 5433);
    peers = List.of(new PeerStatus("n2", true, false, 90, false));
    guards = guards(Guards.OFF, Optional.empty(), true, Optional.of("the fence process exited with status 1"), false);
    assertThat(decide().message()).isEqualTo("not racing for the leader lock because the fence is on but not running: "
        + "the fence process exited with status 1");

    leader("me", MY_SESSION).member("me", 5000);
    assertThat(acting(decide())).containsExactly(new Action.ReleaseLock());

    pg = primary(100);
    Decision primary = decide();
    assertThat(primary.rule()).isEqualTo(Rule.LEADER_WITH_LOCK);
    assertThat(primary.actions().get(0)).as("the shell restarts the fence; arming it is tried every cycle")
        .isEqualTo(new Action.ArmGuards(25, false, true));
  }

  @Test
  void aSwitchoverCandidateThatCannotBeFencedDoesNotTakeTheLock() {
    member("n1", 5432).member("me", 5000);
    switchover("n1", "me", null);
    guards = guards(Guards.OFF, Optional.empty(), true, Optional.of("the fence process exited with status 1"), false);
    Decision d = decide();
    assertThat(d.actions()).doesNotContain(new Action.AcquireLock());
  }

  /** Another ZooKeeper client overwrote the leader znode's value; the znode is still my session's. */
  @Test
  void aLeaderZnodeOfMySessionThatNamesSomeoneElseIsRenamedNotObeyed() {
    member("me", 5000).member("n2", 5433).leader("\u0001garbage", MY_SESSION);
    pg = primary(4096);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.RECLAIM_OWN_LOCK);
    assertThat(acting(d)).containsExactly(new Action.RenameLock());

    leader("n2", 7);
    assertThat(decide().rule()).as("another session's lock is another member's").isEqualTo(Rule.DEMOTE_WITHOUT_LOCK);
  }

  /**
   * ZooKeeper came back after the session expired: the leader znode still names me under my old session. The cycle
   * that re-creates it confirms nothing, so it does not feed the fence; it must not disarm it either, or a freeze right
   * then leaves this primary unfenced while the old znode expires and another node takes over.
   */
  @Test
  void reCreatingMyLockUnderANewSessionKeepsTheFenceArmedWithoutFeedingIt() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION + 1);
    pg = primary(4096);
    guards = guards(Guards.OFF, Optional.empty(), true, Optional.empty(), true);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.RECLAIM_OWN_LOCK);
    assertThat(acting(d)).containsExactly(new Action.ReclaimLock());
    assertThat(d.actions()).filteredOn(a -> a instanceof Action.DisarmGuards || a instanceof Action.FeedGuards
        || a instanceof Action.ArmGuards).isEmpty();

    leader("me", MY_SESSION);
    assertThat(decide().actions().get(0)).as("the next cycle confirms the lock and feeds")
        .isEqualTo(new Action.FeedGuards(25, false, true));
  }

  /**
   * A primary that loses ZooKeeper learns it only after up to loop_wait + retry_timeout, then asks the members (2 s
   * each): a fence or watchdog deadline (ttl - safety_margin) that comes first stops the primary failsafe was meant to
   * keep. Found by FailsafeEnsembleTest with ttl 10, loop_wait 2, retry_timeout 3 (the fence fired at 5 s, the round
   * would have been accepted at 5.06 s).
   */
  @Test
  void failsafeModeWithAGuardDeadlineBeforeTheRoundCanEndIsNamedWithTheTtlItNeeds() {
    Guards fence = guards(Guards.OFF, Optional.empty(), true, Optional.empty(), false);
    DynamicConfig tight = DynamicConfig.fromMap(Map.of("failsafe_mode", true, "ttl", 10, "loop_wait", 2,
        "retry_timeout", 3));
    assertThat(Fencing.failsafeTimingProblem(tight, fence)).contains("failsafe_mode cannot keep this primary running "
        + "without ZooKeeper: the fence stops PostgreSQL 5 s (ttl - safety_margin) after the last read that confirmed "
        + "the lock, but a lost ZooKeeper is known only up to loop_wait + retry_timeout = 5 s after it and the members "
        + "then have 2 s to answer; raise ttl to at least 12, or lower loop_wait or retry_timeout");
    assertThat(Fencing.failsafeTimingProblem(DynamicConfig.fromMap(Map.of("failsafe_mode", true, "ttl", 12,
        "loop_wait", 2, "retry_timeout", 3)), fence)).isEmpty();
    assertThat(Fencing.failsafeTimingProblem(DynamicConfig.fromMap(Map.of("failsafe_mode", true)), fence))
        .as("Patroni's defaults: 25 s against 10 + 10 + 2").isEmpty();
    assertThat(Fencing.failsafeTimingProblem(DynamicConfig.fromMap(Map.of("ttl", 10, "loop_wait", 2,
        "retry_timeout", 3)), fence)).as("failsafe mode off").isEmpty();
    assertThat(Fencing.failsafeTimingProblem(tight, Guards.NONE)).as("nothing to stop the primary").isEmpty();
    assertThat(Fencing.failsafeTimingProblem(tight, guards(Guards.AUTOMATIC, Optional.empty(), false,
        Optional.empty(), false))).hasValueSatisfying(w -> assertThat(w).contains("the watchdog stops PostgreSQL"));
  }

  // ---- failsafe mode (wire spec 3.14) -----------------------------------------------------------

  private static final Map<String, Object> FAILSAFE_ON = Map.of("failsafe_mode", true);

  private Decision withoutDcs(Map<String, Object> dyn, LocalPg local, Optional<FailsafeRound> round, Guards g,
      AgentMemory mem) {
    NodeSettings s = new NodeSettings("me", false, true, Map.of(), DynamicConfig.fromMap(dyn), "c", "a", Map.of());
    Observation o = new Observation(now, Optional.empty(), Optional.of("connection loss"), MY_SESSION, local,
        List.of(), s, g, round, Optional.empty());
    return HaCore.decide(o, mem);
  }

  @Test
  void failsafeModeIsOffByDefaultAndReadLeniently() {
    assertThat(DynamicConfig.defaults().failsafeMode()).isFalse();
    assertThat(DynamicConfig.fromMap(Map.of("failsafe_mode", "on")).failsafeMode()).isTrue();
    assertThat(DynamicConfig.fromMap(Map.of("failsafe_mode", List.of(1))).failsafeMode()).isFalse();
  }

  @Test
  void aPrimaryWhoseMembersAllAcceptedKeepsRunningOnFailsafeAndFeedsTheGuardsFromTheRound() {
    Guards armed = guards(Guards.AUTOMATIC, Optional.empty(), true, Optional.empty(), true);
    Decision d = withoutDcs(FAILSAFE_ON, primary(5), Optional.of(FailsafeRound.accepted(77)), armed,
        AgentMemory.initial());
    assertThat(d.rule()).isEqualTo(Rule.FAILSAFE_LEADER);
    assertThat(d.message()).isEqualTo(
        "continue to run as a leader because failsafe mode is enabled and all members are accessible");
    assertThat(d.actions()).containsExactly(new Action.FeedGuards(25, true, true));
    assertThat(d.memory().failsafeActive()).isTrue();
    Decision unarmed = withoutDcs(FAILSAFE_ON, primary(5), Optional.of(FailsafeRound.accepted(77)),
        guards(Guards.OFF, Optional.empty(), true, Optional.empty(), false), AgentMemory.initial());
    assertThat(unarmed.actions()).containsExactly(new Action.ArmGuards(25, false, true));
  }

  @Test
  void aPrimaryDemotesWhenAMemberDidNotAcceptOrThereWasNoRound() {
    Guards armed = guards(Guards.OFF, Optional.empty(), true, Optional.empty(), true);
    Decision refused = withoutDcs(FAILSAFE_ON, primary(5),
        Optional.of(FailsafeRound.refused("n2 did not answer (timeout)", 77)), armed,
        AgentMemory.initial().withFailsafeActive(true));
    assertThat(refused.rule()).isEqualTo(Rule.DCS_UNREACHABLE);
    assertThat(refused.message()).contains("failsafe mode: n2 did not answer");
    assertThat(refused.actions()).containsExactly(new Action.DisarmGuards(), new Action.StopPostgres(StopMode.FAST),
        new Action.StartPostgres(true, Optional.empty()));
    assertThat(refused.memory().failsafeActive()).isFalse();
    assertThat(withoutDcs(FAILSAFE_ON, primary(5), Optional.empty(), Guards.NONE, AgentMemory.initial()).rule())
        .isEqualTo(Rule.DCS_UNREACHABLE);
    assertThat(withoutDcs(Map.of(), primary(5), Optional.of(FailsafeRound.accepted(1)), Guards.NONE,
        AgentMemory.initial()).rule()).as("failsafe_mode off: an accepted round counts for nothing")
        .isEqualTo(Rule.DCS_UNREACHABLE);
  }

  @Test
  void theLeaderWritesFailsafeWhenItDiffersOnlyWhileFailsafeModeIsOn() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    pg = primary(100);
    optime = OptionalLong.of(100);
    Map<String, String> topology = Map.of("me", "http://127.0.0.1:6000/patroni", "n2",
        "http://127.0.0.1:6433/patroni");
    assertThat(decide().actions()).noneMatch(Action.WriteFailsafe.class::isInstance);
    dynamic = FAILSAFE_ON;
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.LEADER_WITH_LOCK);
    assertThat(d.actions()).contains(new Action.WriteFailsafe(topology));
    failsafe = Optional.of(topology);
    assertThat(decide().actions()).noneMatch(Action.WriteFailsafe.class::isInstance);
  }

  @Test
  void theLeaderNamesItselfInFailsafeEvenWithoutAMemberKey() {
    member("n2", 5433).leader("me", MY_SESSION);
    pg = primary(100);
    dynamic = FAILSAFE_ON;
    assertThat(decide().actions()).contains(new Action.WriteFailsafe(Map.of("me", "http://127.0.0.1:6000/patroni",
        "n2", "http://127.0.0.1:6433/patroni")));
  }

  @Test
  void aReplicaThatAcceptedAFailsafePostWithinTtlDoesNotRace() {
    member("me", 5000).member("n2", 5433);
    dynamic = FAILSAFE_ON;
    failsafeLeader = Optional.of(new FailsafeLeader("n2", "http://127.0.0.1:6433/patroni", "", now - 29_000));
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.FAILSAFE_LEADER_REMEMBERED);
    assertThat(acting(d)).isEmpty();
    failsafeLeader = Optional.of(new FailsafeLeader("n2", "http://127.0.0.1:6433/patroni", "", now - 30_000));
    assertThat(decide().rule()).as("after ttl it races again").isEqualTo(Rule.ACQUIRE_LOCK);
    failsafeLeader = Optional.of(new FailsafeLeader("n2", "http://127.0.0.1:6433/patroni", "", now - 1_000));
    dynamic = Map.of();
    assertThat(decide().rule()).as("failsafe mode off").isEqualTo(Rule.ACQUIRE_LOCK);
  }

  @Test
  void aMemberLeftOutOfFailsafeDoesNotRace() {
    member("me", 5000).member("n2", 5433);
    dynamic = FAILSAFE_ON;
    failsafe = Optional.of(Map.of("n2", "http://127.0.0.1:6433/patroni"));
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.NOT_HEALTHIEST);
    assertThat(d.message()).contains("/failsafe does not name me");
    failsafe = Optional.of(Map.of("n2", "http://127.0.0.1:6433/patroni", "me", "http://127.0.0.1:6000/patroni"));
    assertThat(decide().rule()).isEqualTo(Rule.ACQUIRE_LOCK);
  }

  @Test
  void zooKeeperBackClearsTheFailsafeFlag() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    pg = primary(100);
    dynamic = FAILSAFE_ON;
    memory = memory.withFailsafeActive(true);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.LEADER_WITH_LOCK);
    assertThat(d.memory().failsafeActive()).isFalse();
  }

  @Test
  void aPrimaryWithoutTheLockDemotesForAPendingSwitchoverCandidate() {
    // It ran on failsafe while the switchover was requested; ZooKeeper is back, its session (and lock) gone.
    member("me", 5000).member("n2", 5433);
    failover = Optional.of(new FailoverNode(Optional.of("me"), Optional.of("n2"), Optional.empty(), 3));
    pg = primary(100);
    peers = List.of(new PeerStatus("n2", true, false, 100, false, 1));
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.DEMOTE_WITHOUT_LOCK);
    assertThat(acting(d)).startsWith(new Action.StopPostgres(StopMode.IMMEDIATE));
  }

  @Test
  void candidatesIncludeFailsafeMembersWithoutAMemberKey() {
    member("me", 5000).member("n2", 5433);
    ClusterView view = new ClusterView(initialize, Optional.empty(), leader, members, optime, List.of(), false,
        failover, sync, Optional.of(Map.of("me", "http://m/patroni", "n1", "http://n1:8008/patroni")));
    NodeSettings on = new NodeSettings("me", false, true, Map.of(), DynamicConfig.fromMap(FAILSAFE_ON), "c", "a",
        Map.of());
    assertThat(LeaderRace.candidates(view, on)).extracting(MemberNode::name).containsExactly("n2", "n1");
    assertThat(LeaderRace.candidates(view, on).get(1).apiUrl()).contains("http://n1:8008/patroni");
    NodeSettings off = new NodeSettings("me", false, true, Map.of(), DynamicConfig.defaults(), "c", "a", Map.of());
    assertThat(LeaderRace.candidates(view, off)).extracting(MemberNode::name).containsExactly("n2");
  }

  // ---- standby cluster (wire spec 3.18) ---------------------------------------------------------

  private static final Map<String, Object> STANDBY = Map.of("standby_cluster", Map.of("host", "10.0.0.9", "port", 6543,
      "primary_slot_name", "standby", "restore_command", "cp /arch/%f %p"));
  private static final RecoveryTarget REMOTE = new RecoveryTarget("10.0.0.9", 6543, Optional.of("standby"),
      Map.of("restore_command", "cp /arch/%f %p"));

  private static LocalPg streamingReplica(long wal) {
    return new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(new PgStatus(true, 1, 0, wal, wal, false,
        "2026-11-23 10:00:00.000000+00:00", 150018, false, Optional.of("standby"), Optional.of("host=10.0.0.9"),
        List.of())), Optional.of(SYSID));
  }

  private static boolean promotes(Decision d) {
    return d.actions().stream().anyMatch(a -> a instanceof Action.Promote || a instanceof Action.RecordPromotion);
  }

  private static Object publishedRole(Decision d) {
    return d.actions().stream().filter(Action.TouchMember.class::isInstance).map(a -> ((Action.TouchMember) a).data())
        .reduce((first, second) -> second).orElseThrow().get("role");
  }

  @Test
  void theStandbyLeaderFollowsTheRemotePrimaryAndNeverPromotes() {
    dynamic = STANDBY;
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.FOLLOW_REMOTE_PRIMARY);
    assertThat(acting(d)).containsExactly(new Action.Follow(REMOTE));
    assertThat(publishedRole(d)).isEqualTo("standby_leader");

    memory = d.memory();
    pg = streamingReplica(200);
    d = decide();
    assertThat(d.rule()).isEqualTo(Rule.STANDBY_LEADER);
    assertThat(d.message()).isEqualTo("no action. I am (me), the standby leader with the lock");
    assertThat(acting(d)).isEmpty();
    assertThat(d.actions()).contains(new Action.WriteStatus(200), memberSlots("n2"));
    assertThat(promotes(d)).isFalse();
  }

  @Test
  void aSwitchoverRequestInAStandbyClusterIsRemovedNotCarriedOut() {
    dynamic = STANDBY;
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    memory = memory.withFollowing(Optional.of(REMOTE));
    pg = streamingReplica(200);
    failover = Optional.of(new FailoverNode(Optional.of("me"), Optional.of("n2"), Optional.empty(), 4));
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.MANUAL_FAILOVER_CLEARED);
    assertThat(d.actions()).contains(new Action.ClearFailover(java.util.OptionalInt.of(4)))
        .noneMatch(a -> a instanceof Action.GracefulDemote || a instanceof Action.ReleaseLock);
    assertThat(d.message()).contains("remove standby_cluster");
  }

  @Test
  void anUnreachableRemotePrimaryKeepsTheStandbyLeaderWaitingNotPromoting() {
    dynamic = STANDBY;
    member("me", 5000).leader("me", MY_SESSION);
    memory = memory.withFollowing(Optional.of(REMOTE)).withWalReceiverWokenAt(now);
    assertThat(decide().message()).as("just pointed at the remote").contains("connecting to the remote primary");
    now += StandbyLeader.CONNECT_GRACE_MS;
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.STANDBY_LEADER_NOT_STREAMING);
    assertThat(d.rule().warnsOnEntry()).isTrue();
    assertThat(d.message()).contains("not streaming from the remote primary 10.0.0.9:6543");
    assertThat(acting(d)).isEmpty();
  }

  @Test
  void aStandbyClusterWithNothingToFollowStaysAStandby() {
    for (Object section : List.of(Map.of("port", 5432), Map.of("primary_slot_name", "x"), "yes",
        Map.of("host", "h", "port", "not-a-port"))) {
      dynamic = Map.of("standby_cluster", section);
      members.clear();
      member("me", 5000).leader("me", MY_SESSION);
      memory = AgentMemory.initial();
      Decision d = decide();
      assertThat(d.rule()).as("%s", section).isEqualTo(Rule.FOLLOW_REMOTE_PRIMARY);
      assertThat(acting(d)).containsExactly(new Action.Follow(RecoveryTarget.none()));
      memory = d.memory();
      d = decide();
      assertThat(d.rule()).as("%s", section).isEqualTo(Rule.STANDBY_CLUSTER_UNUSABLE);
      assertThat(d.message()).contains("standby_cluster").contains("not promoting");
      assertThat(promotes(d)).isFalse();
    }
  }

  @Test
  void removingStandbyClusterPromotesTheStandbyLeader() {
    member("me", 5000).member("n2", 5433).leader("me", MY_SESSION);
    MemberNode me = members.remove(0);
    Map<String, Object> data = new LinkedHashMap<>(me.data());
    data.put("role", "standby_leader");
    members.add(0, new MemberNode("me", data, me.session()));
    pg = streamingReplica(300);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.PROMOTE_STANDBY_CLUSTER);
    assertThat(d.actions()).anyMatch(Action.RecordPromotion.class::isInstance)
        .anyMatch(Action.Promote.class::isInstance);
  }

  @Test
  void aPrimaryWhoseConfigGainsStandbyClusterDemotesToFollowTheRemote() {
    dynamic = STANDBY;
    member("me", 5000).leader("me", MY_SESSION);
    pg = primary(100);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.DEMOTE_TO_STANDBY_LEADER);
    assertThat(acting(d)).containsExactly(new Action.StopPostgres(StopMode.FAST),
        new Action.StartPostgres(true, Optional.of(REMOTE)));

    paused = true;
    assertThat(decide().rule()).as("not while paused").isEqualTo(Rule.PAUSED);
    assertThat(acting(decide())).isEmpty();
  }

  @Test
  void theLockHolderOfAStandbyClusterStartsAsAReplicaOfTheRemote() {
    dynamic = STANDBY;
    member("me", 5000).leader("me", MY_SESSION);
    pg = stoppedFormerPrimary();
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.START_AS_STANDBY_LEADER);
    assertThat(acting(d)).containsExactly(new Action.StartPostgres(true, Optional.of(REMOTE)));
  }

  @Test
  void aStandbyClusterIsBootstrappedByCloningTheRemotePrimary() {
    dynamic = STANDBY;
    initialize = Optional.empty();
    pg = empty();
    assertThat(decide().rule()).isEqualTo(Rule.RACE_INITIALIZE);
    memory = memory.withInitializeWon(true);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.BOOTSTRAP_STANDBY_CLUSTER);
    assertThat(acting(d)).containsExactly(new Action.BootstrapStandbyCluster(REMOTE, Map.of("ttl", 30)));

    dynamic = Map.of("standby_cluster", Map.of("restore_command", "cp /arch/%f %p"));
    memory = AgentMemory.initial();
    d = decide();
    assertThat(d.rule()).as("nothing to clone with pg_basebackup").isEqualTo(Rule.WAIT_FOR_LEADER_BOOTSTRAP);
    assertThat(d.message()).contains("names no host");
  }

  @Test
  void otherMembersOfAStandbyClusterFollowTheStandbyLeaderAndRaceToReplaceIt() {
    dynamic = STANDBY;
    member("n1", 5433).member("me", 5000).leader("n1", 7);
    Decision d = decide();
    assertThat(d.rule()).isEqualTo(Rule.FOLLOW_LEADER);
    assertThat(acting(d)).containsExactly(new Action.Follow(new RecoveryTarget("127.0.0.1", 5433, Optional.of("me"))));
    assertThat(publishedRole(d)).isEqualTo("replica");

    leader = Optional.empty();
    peers = List.of(new PeerStatus("n1", false, false, 0, false, 0));
    d = decide();
    assertThat(d.rule()).isEqualTo(Rule.ACQUIRE_LOCK);
    assertThat(d.message()).contains("standby leader");
    assertThat(promotes(d)).isFalse();
  }

  private static Action.SyncSlots memberSlots(String... names) {
    return new Action.SyncSlots(io.vigil.postgres.SlotTarget.physical(Set.of(names)), List.of());
  }
}
