package io.vigil.agent.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.config.DynamicConfig;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.ConfigNode;
import io.vigil.dcs.LeaderNode;
import io.vigil.dcs.MemberNode;
import io.vigil.postgres.PgStatus;
import io.vigil.postgres.SlotInfo;
import io.vigil.postgres.SlotSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SlotPlanTest {

  private static final SlotSpec CDC = SlotSpec.logical("cdc", "postgres", "test_decoding");

  private final List<MemberNode> members = new ArrayList<>();
  private Map<String, Object> dynamic = new LinkedHashMap<>(Map.of("slots",
      Map.of("cdc", Map.of("database", "postgres", "plugin", "test_decoding"), "archiver", Map.of())));
  private Map<String, Long> statusSlots = Map.of();
  private boolean nofailover;
  private String leader = "me";
  private Map<String, Object> myTags = Map.of();

  private SlotPlanTest member(String name, Map<String, Object> tags) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conn_url", "postgres://10.0.0." + (members.size() + 1) + ":5432/postgres");
    data.put("api_url", "http://10.0.0." + (members.size() + 1) + ":8008/patroni");
    data.put("state", "running");
    data.put("role", "replica");
    if (!tags.isEmpty()) {
      data.put("tags", tags);
    }
    members.add(new MemberNode(name, data, members.size() + 1));
    return this;
  }

  private NodeSettings settings() {
    return new NodeSettings("me", nofailover, true, Map.of(), DynamicConfig.fromMap(dynamic),
        "postgres://10.0.0.9:5432/postgres", "http://10.0.0.9:8008/patroni", myTags);
  }

  private ClusterView view() {
    return new ClusterView(Optional.of("7310000000000000001"), Optional.of(new ConfigNode(dynamic, 0)),
        Optional.of(new LeaderNode(leader, leader.equals("me") ? 1 : 2, 0)), members, OptionalLong.of(1000), List.of(), false, Optional.empty(),
        Optional.empty(), Optional.empty()).withStatusSlots(statusSlots);
  }

  private Observation observe(boolean replica, Optional<List<SlotInfo>> slots) {
    PgStatus status = new PgStatus(replica, 1, replica ? 0 : 1000, replica ? 1000 : 0, 1000, false,
        "2026-11-23 10:00:00.000000+00:00", 150006, false, Optional.empty(), Optional.empty(), List.of());
    LocalPg pg = new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(status), Optional.of("7310000000000000001"),
        false, slots);
    return new Observation(0, Optional.of(view()), Optional.empty(), 1, pg, List.of(), settings());
  }

  @Test
  void permanentSlotsAreReadAsPatroniReadsThem() {
    PermanentSlots p = PermanentSlots.of(Map.of("slots", Map.of(
        "cdc", Map.of("database", "postgres", "plugin", "test_decoding"),
        "plain", Map.of(),
        "typed", Map.of("type", "physical"),
        "Bad-Name", Map.of(),
        "half", Map.of("type", "logical", "database", "postgres"))));
    assertThat(p.slots()).containsOnlyKeys("cdc", "plain", "typed");
    assertThat(p.slots().get("cdc")).isEqualTo(CDC);
    assertThat(p.slots().get("plain")).isEqualTo(SlotSpec.physical("plain"));
    assertThat(p.problems()).hasSize(2).anySatisfy(m -> assertThat(m).contains("'Bad-Name'"))
        .anySatisfy(m -> assertThat(m).contains("'half'"));
    assertThat(PermanentSlots.of(Map.of("slots", Map.of("a", Map.of()), "permanent_slots", Map.of("b", Map.of())))
        .slots()).as("permanent_slots wins over slots, as in Patroni").containsOnlyKeys("b");
  }

  @Test
  void theLeaderKeepsMemberSlotsAndPermanentOnesButNotAPhysicalOneNamedLikeItself() {
    member("me", Map.of()).member("n2", Map.of()).member("n3", Map.of("replicatefrom", "n2"));
    dynamic.put("slots", Map.of("cdc", Map.of("database", "postgres", "plugin", "test_decoding"), "me", Map.of(),
        "n2", Map.of("database", "postgres", "plugin", "test_decoding")));
    SlotPlan.Wanted w = SlotPlan.wanted(settings(), view(), true);
    assertThat(w.slots()).containsOnlyKeys("n2", "cdc");
    assertThat(w.slots().get("n2")).isEqualTo(SlotSpec.physical("n2"));
    assertThat(w.problems()).singleElement().asString().contains("'n2'").contains("conflicts");
  }

  @Test
  void aNofailoverNodeGetsNoPermanentSlots() {
    member("me", Map.of()).member("n2", Map.of("replicatefrom", "me"));
    nofailover = true;
    leader = "n3";
    assertThat(SlotPlan.wanted(settings(), view(), false).slots()).containsOnlyKeys("n2");
  }

  @Test
  void aReplicaAdvancesItsPermanentSlotsToTheLeadersPositions() {
    member("me", Map.of()).member("n2", Map.of("replicatefrom", "me"));
    leader = "n3";
    statusSlots = Map.of("cdc", 900L, "archiver", 800L, "elsewhere", 700L);
    Action.SyncSlots sync = SlotPlan.sync(observe(true, Optional.of(List.of())), view(), false);
    assertThat(sync.target().wanted()).containsOnlyKeys("n2", "cdc", "archiver");
    assertThat(sync.target().advanceTo()).containsExactlyInAnyOrderEntriesOf(Map.of("cdc", 900L, "archiver", 800L));
    assertThat(sync.target().dropUnwanted()).isTrue();
  }

  @Test
  void nothingIsDroppedWhilePausedAndIgnoreSlotsIsPassedOn() {
    member("me", Map.of());
    dynamic.put("pause", true);
    dynamic.put("ignore_slots", List.of(Map.of("name", "manual")));
    Action.SyncSlots sync = SlotPlan.sync(observe(false, Optional.of(List.of())), view(), true);
    assertThat(sync.target().dropUnwanted()).isFalse();
    assertThat(sync.target().ignored().ignores(new SlotInfo("manual", false, "", "", false, 0, 0))).isTrue();
    assertThat(sync.target().ignored().ignores(new SlotInfo("other", false, "", "", false, 0, 0))).isFalse();
  }

  @Test
  void aReplicaCopiesAMissingLogicalSlotFromTheLeaderOnceTheLeaderPublishesIt() {
    member("me", Map.of()).member("n3", Map.of());
    leader = "n3";
    assertThat(SlotPlan.copy(observe(true, Optional.of(List.of())), view())).as("no position published yet").isEmpty();
    statusSlots = Map.of("cdc", 900L);
    assertThat(SlotPlan.copy(observe(true, Optional.empty()), view())).as("local slots unknown").isEmpty();
    assertThat(SlotPlan.copy(observe(true, Optional.of(List.of())), view())).hasValueSatisfying(c -> {
      assertThat(c.host()).isEqualTo("10.0.0.2");
      assertThat(c.port()).isEqualTo(5432);
      assertThat(c.slots()).containsExactly(CDC);
    });
    dynamic.put("pause", true);
    assertThat(SlotPlan.copy(observe(true, Optional.of(List.of())), view())).as("paused: no restart").isEmpty();
    dynamic.remove("pause");
    SlotInfo copied = new SlotInfo("cdc", true, "postgres", "test_decoding", false, 500, 7);
    assertThat(SlotPlan.copy(observe(true, Optional.of(List.of(copied))), view())).isEmpty();
  }

  @Test
  void theLeaderPublishesThePositionsOfItsPermanentSlotsOnly() {
    member("me", Map.of()).member("n2", Map.of());
    List<SlotInfo> local = List.of(new SlotInfo("cdc", true, "postgres", "test_decoding", false, 500, 7),
        new SlotInfo("archiver", false, "", "", true, 400, 0), new SlotInfo("n2", false, "", "", true, 450, 0),
        new SlotInfo("manual", false, "", "", false, 300, 0));
    assertThat(SlotPlan.published(observe(false, Optional.of(local)), view()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("cdc", 500L, "archiver", 400L));
  }

  @Test
  void theLeaderRewritesStatusWhenASlotMovedAndAReplicaDecidesTheCopy() {
    member("me", Map.of()).member("n2", Map.of());
    List<SlotInfo> local = List.of(new SlotInfo("cdc", true, "postgres", "test_decoding", false, 500, 7));
    statusSlots = Map.of("cdc", 400L);
    Observation o = observe(false, Optional.of(local));
    Decision d = HaCore.decide(o, AgentMemory.initial());
    assertThat(d.rule()).isEqualTo(Rule.LEADER_WITH_LOCK);
    assertThat(d.actions()).contains(new Action.WriteStatus(1000, Map.of("cdc", 500L)));

    leader = "n2";
    Decision replica = HaCore.decide(observe(true, Optional.of(List.of())), AgentMemory.initial()
        .withFollowing(Optional.of(new io.vigil.postgres.RecoveryTarget("10.0.0.2", 5432, Optional.of("me")))));
    assertThat(replica.rule()).isEqualTo(Rule.COPY_LOGICAL_SLOTS);
    assertThat(replica.actions()).contains(new Action.CopyLogicalSlots("10.0.0.2", 5432, List.of(CDC)));
  }

  @Test
  void cascadesGetTheirSlotFromTheMemberTheyReplicateFromAndNostreamMembersGetNone() {
    member("me", Map.of()).member("n2", Map.of()).member("n3", Map.of("replicatefrom", "n2"))
        .member("n4", Map.of("replicatefrom", "gone")).member("n5", Map.of("nostream", true))
        .member("n6", Map.of("replicatefrom", "me"));
    assertThat(SlotPlan.wanted(settings(), view(), true).slots()).as("the leader")
        .containsOnlyKeys("n2", "n4", "n6", "cdc", "archiver");
    leader = "n2";
    assertThat(SlotPlan.wanted(settings(), view(), false).slots()).as("a replica that n6 cascades from")
        .containsOnlyKeys("n6", "cdc", "archiver");
  }

  @Test
  void aReplicaFollowsTheMemberItReplicatesFromAndANostreamOneNobody() {
    member("me", Map.of()).member("n2", Map.of()).member("n3", Map.of());
    leader = "n3";
    myTags = Map.of("replicatefrom", "n2");
    assertThat(Upstream.of(observe(true, Optional.empty()), view())).hasValueSatisfying(t -> {
      assertThat(t.host()).isEqualTo("10.0.0.2");
      assertThat(t.slotName()).contains("me");
    });
    myTags = Map.of("replicatefrom", "gone");
    assertThat(Upstream.of(observe(true, Optional.empty()), view())).as("falls back to the leader")
        .hasValueSatisfying(t -> assertThat(t.host()).isEqualTo("10.0.0.3"));
    myTags = Map.of("nostream", true);
    assertThat(Upstream.of(observe(true, Optional.empty()), view())).hasValueSatisfying(t ->
        assertThat(t.hasUpstream()).isFalse());
    assertThat(SlotPlan.wanted(settings(), view(), false).slots()).as("no feedback, no logical copy")
        .containsOnlyKeys("archiver");
    assertThat(SlotPlan.needsHotStandbyFeedback(settings())).isFalse();
  }

  @Test
  void belowANostreamMemberNobodyGetsLogicalCopies() {
    member("me", Map.of()).member("n2", Map.of("nostream", true, "replicatefrom", "n3")).member("n3", Map.of());
    leader = "n3";
    myTags = Map.of("replicatefrom", "n2");
    assertThat(SlotPlan.wanted(settings(), view(), false).slots()).containsOnlyKeys("archiver");
    myTags = Map.of("replicatefrom", "me");
    assertThat(SlotPlan.wanted(settings(), view(), false).slots()).as("replicatefrom myself is ignored")
        .containsOnlyKeys("cdc", "archiver");
  }

  @Test
  void aNostreamReplicaFollowsWithoutPrimaryConninfoAndIsNotWokenForStreaming() {
    member("me", Map.of("nostream", true)).member("n2", Map.of());
    leader = "n2";
    myTags = Map.of("nostream", true);
    Decision d = HaCore.decide(observe(true, Optional.of(List.of())), AgentMemory.initial());
    assertThat(d.rule()).isEqualTo(Rule.FOLLOW_LEADER);
    assertThat(d.actions()).contains(new Action.Follow(io.vigil.postgres.RecoveryTarget.none()));
    assertThat(d.message()).contains("nostream");
    Decision next = HaCore.decide(observe(true, Optional.of(List.of())), d.memory());
    assertThat(next.rule()).as("the leader is ahead, but nothing streams: no reload to wake a walreceiver")
        .isEqualTo(Rule.FOLLOWING_LEADER);
  }

  @Test
  void aStandbyClustersReplicasKeepPermanentPhysicalSlotsOnly() {
    member("me", Map.of()).member("n2", Map.of());
    leader = "n2";
    dynamic.put("standby_cluster", Map.of("host", "10.0.0.50", "port", 5432));
    assertThat(SlotPlan.wanted(settings(), view(), false).slots()).containsOnlyKeys("archiver");
  }
}
