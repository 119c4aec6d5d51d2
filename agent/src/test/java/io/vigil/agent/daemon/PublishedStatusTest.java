package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.agent.ha.AgentMemory;
import io.vigil.agent.ha.LocalPg;
import io.vigil.agent.ha.NodeSettings;
import io.vigil.agent.ha.Observation;
import io.vigil.config.DynamicConfig;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.ConfigNode;
import io.vigil.dcs.LeaderNode;
import io.vigil.dcs.SyncNode;
import io.vigil.postgres.PgStatus;
import io.vigil.postgres.ReplicationRow;
import io.vigil.restapi.NodeStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The {@code /patroni} document and the sync flags the health checks read, as published after a cycle. */
class PublishedStatusTest {

  private static final Clock CLOCK = new Clock() {
    @Override
    public long millis() {
      return 1_795_255_200_000L;
    }

    @Override
    public long monotonicMillis() {
      return 1_000L;
    }
  };

  private static PgStatus replica() {
    return new PgStatus(true, 1, 0, 500, 400, false, "2026-11-23 10:00:00+00:00", 150018, false, Optional.empty(),
        Optional.empty(), List.of());
  }

  private static PgStatus primary() {
    return new PgStatus(false, 1, 900, 0, 0, false, "2026-11-23 10:00:00+00:00", 150018, false, Optional.empty(),
        Optional.empty(), List.of(new ReplicationRow("replicator", "n2", Optional.of("127.0.0.1"), "streaming",
            "sync", 1, 900, 900, 800)), "n2");
  }

  private static NodeStatus publish(String name, String mode, Optional<SyncNode> sync, Optional<PgStatus> pg,
                                    boolean dcs) {
    DynamicConfig dyn = DynamicConfig.fromMap(Map.of("synchronous_mode", mode));
    NodeSettings s = new NodeSettings(name, false, true, Map.of(), dyn, "postgres://127.0.0.1:5432/postgres",
        "http://127.0.0.1:8008/patroni", Map.of());
    ClusterView view = new ClusterView(Optional.of("7000000000000000001"),
        Optional.of(new ConfigNode(Map.of("synchronous_mode", mode), 1)), Optional.of(new LeaderNode("n1", 7, 0)),
        List.of(), OptionalLong.of(900), List.of(), true, Optional.empty(), sync);
    Observation o = new Observation(CLOCK.millis(), dcs ? Optional.of(view) : Optional.empty(), Optional.empty(), 9,
        new LocalPg(LocalPg.DataDir.INITIALIZED, pg.isPresent(), pg, Optional.of("7000000000000000001")),
        List.of(), s);
    PublishedStatus published = new PublishedStatus("demo", Map.of(), CLOCK);
    published.publish(o, CLOCK.monotonicMillis(), AgentMemory.initial().withPgState("running"), 30, false,
        CLOCK.monotonicMillis() + 60_000);
    return published.status();
  }

  /** n1's cycle with the leader znode naming {@code leader} under {@code session}; n1's own session is 9. */
  private static void cycle(PublishedStatus published, String leader, long session) {
    NodeSettings s = new NodeSettings("n1", false, true, Map.of(), DynamicConfig.fromMap(Map.of()),
        "postgres://127.0.0.1:5432/postgres", "http://127.0.0.1:8008/patroni", Map.of());
    ClusterView view = new ClusterView(Optional.of("7000000000000000001"), Optional.empty(),
        Optional.of(new LeaderNode(leader, session, 0)), List.of(), OptionalLong.of(900), List.of(), true,
        Optional.empty(), Optional.empty());
    Observation o = new Observation(CLOCK.millis(), Optional.of(view), Optional.empty(), 9,
        new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(primary()), Optional.of("7000000000000000001")),
        List.of(), s);
    published.publish(o, CLOCK.monotonicMillis(), AgentMemory.initial().withPgState("running"), 30, false,
        CLOCK.monotonicMillis() + 60_000);
  }

  /**
   * ZooKeeper is back with a new session and the leader znode still names me under the old one: the cycle that
   * re-creates it keeps what the earlier cycles proved, so HAProxy's /primary does not blink; another member's lock
   * drops it at once.
   */
  @Test
  void theCycleThatReCreatesMyLockKeepsTheLeaderFlagAndAnotherMembersLockDropsIt() {
    PublishedStatus published = new PublishedStatus("demo", Map.of(), CLOCK);
    cycle(published, "n1", 9);
    assertThat(published.status().holdsLock()).isTrue();
    cycle(published, "n1", 5);
    assertThat(published.status().holdsLock()).as("re-creating my own lock").isTrue();
    cycle(published, "n2", 6);
    assertThat(published.status().holdsLock()).isFalse();
    cycle(published, "n1", 5);
    assertThat(published.status().holdsLock()).as("a repair never extends a proof that is gone").isFalse();
  }

  private static Optional<SyncNode> sync(String... standbys) {
    return Optional.of(new SyncNode(Optional.of("n1"), List.of(standbys), OptionalInt.empty(), 3));
  }

  @Test
  void aListedReplicaInSyncModeOnIsASyncStandby() {
    NodeStatus s = publish("n2", "on", sync("n2", "n3"), Optional.of(replica()), true);

    assertThat(s.syncStandby()).isTrue();
    assertThat(s.quorumStandby()).isFalse();
    assertThat(s.document().keySet()).containsSubsequence("role", "server_version", "xlog", "sync_standby",
        "timeline", "dcs_last_seen", "patroni");
    assertThat(s.document()).containsEntry("sync_standby", true).doesNotContainKey("quorum_standby");
  }

  @Test
  void inQuorumModeItIsAQuorumStandby() {
    NodeStatus s = publish("n2", "quorum", sync("n2"), Optional.of(replica()), true);

    assertThat(s.syncStandby()).isFalse();
    assertThat(s.quorumStandby()).isTrue();
    assertThat(s.document().keySet()).containsSubsequence("xlog", "quorum_standby", "timeline");
    assertThat(s.document()).containsEntry("quorum_standby", true).doesNotContainKey("sync_standby");
  }

  @Test
  void namesCompareIgnoringCase() {
    assertThat(publish("N2", "on", sync("n2"), Optional.of(replica()), true).syncStandby()).isTrue();
  }

  @Test
  void nobodyIsListedOutsideSyncModeOrWithoutTheDcsOrWhenNotAStandbyThere() {
    List<NodeStatus> unlisted = List.of(
        publish("n2", "off", sync("n2"), Optional.of(replica()), true),
        publish("n3", "on", sync("n2"), Optional.of(replica()), true),
        publish("n2", "on", Optional.empty(), Optional.of(replica()), true),
        publish("n2", "on", Optional.of(SyncNode.empty(4)), Optional.of(replica()), true),
        publish("n2", "on", sync("n2"), Optional.of(replica()), false),
        publish("n2", "on", sync("n2"), Optional.empty(), true),
        publish("n1", "on", sync("n2"), Optional.of(replica()), true));
    for (NodeStatus s : unlisted) {
      assertThat(s.syncStandby()).isFalse();
      assertThat(s.quorumStandby()).isFalse();
      assertThat(s.document()).doesNotContainKeys("sync_standby", "quorum_standby");
    }
  }

  @Test
  void thePrimaryIsNeverAStandbyAndItsReplicationListKeepsPatroniFields() {
    NodeStatus s = publish("n2", "on", sync("n2"), Optional.of(primary()), true);

    assertThat(s.syncStandby()).isFalse();
    assertThat(s.document()).doesNotContainKey("sync_standby");
    assertThat(s.document().get("replication")).isEqualTo(List.of(Map.of("usename", "replicator",
        "application_name", "n2", "client_addr", "127.0.0.1", "state", "streaming", "sync_state", "sync",
        "sync_priority", 1)));
  }

  private static NodeStatus publishFailsafe(boolean dcs, boolean leaderKey, Optional<PgStatus> pg, AgentMemory memory,
      Optional<io.vigil.agent.ha.FailsafeLeader> accepted) {
    DynamicConfig dyn = DynamicConfig.fromMap(Map.of("failsafe_mode", true));
    NodeSettings s = new NodeSettings("n2", false, true, Map.of(), dyn, "postgres://127.0.0.1:5432/postgres",
        "http://127.0.0.1:8008/patroni", Map.of());
    ClusterView view = new ClusterView(Optional.of("7000000000000000001"), Optional.empty(),
        leaderKey ? Optional.of(new LeaderNode("n1", 7, 0)) : Optional.empty(), List.of(), OptionalLong.of(900),
        List.of(), true, Optional.empty(), Optional.empty(),
        Optional.of(Map.of("n1", "http://h1:8008/patroni", "n2", "http://127.0.0.1:8008/patroni")));
    Observation o = new Observation(CLOCK.millis(), dcs ? Optional.of(view) : Optional.empty(), Optional.empty(), 9,
        new LocalPg(LocalPg.DataDir.INITIALIZED, true, pg, Optional.of("7000000000000000001")), List.of(), s,
        io.vigil.agent.ha.Guards.NONE, Optional.empty(), accepted);
    PublishedStatus published = new PublishedStatus("demo", Map.of(), CLOCK);
    published.publish(o, CLOCK.monotonicMillis(), memory.withPgState("running"), 30, false,
        CLOCK.monotonicMillis() + 60_000);
    return published.status();
  }

  @Test
  void failsafeModeIsActiveOnAPrimaryRunningOnFailsafeAndOnAReplicaThatAcceptedItsPost() {
    AgentMemory onFailsafe = AgentMemory.initial().withFailsafeActive(true);
    assertThat(publishFailsafe(false, false, Optional.of(primary()), onFailsafe, Optional.empty()).document())
        .containsEntry("failsafe_mode_is_active", true);
    assertThat(publishFailsafe(true, true, Optional.of(primary()), AgentMemory.initial(), Optional.empty()).document())
        .as("ZooKeeper back: row F clears it").doesNotContainKey("failsafe_mode_is_active");
    var post = Optional.of(new io.vigil.agent.ha.FailsafeLeader("n1", "http://h1:8008/patroni", "", CLOCK.millis()
        - 5_000));
    assertThat(publishFailsafe(false, false, Optional.of(replica()), AgentMemory.initial(), post).document())
        .containsEntry("failsafe_mode_is_active", true);
    assertThat(publishFailsafe(true, true, Optional.of(replica()), AgentMemory.initial(), post).document())
        .as("a leader lock is visible again").doesNotContainKey("failsafe_mode_is_active");
    var old = Optional.of(new io.vigil.agent.ha.FailsafeLeader("n1", "http://h1:8008/patroni", "", CLOCK.millis()
        - 31_000));
    assertThat(publishFailsafe(false, false, Optional.of(replica()), AgentMemory.initial(), old).document())
        .as("older than ttl").doesNotContainKey("failsafe_mode_is_active");
  }

  @Test
  void getFailsafeShowsTheLastFailsafeReadWhileFailsafeModeIsOn() {
    PublishedStatus published = new PublishedStatus("demo", Map.of(), CLOCK);
    assertThat(published.failsafeDocument()).isEmpty();
    DynamicConfig dyn = DynamicConfig.fromMap(Map.of("failsafe_mode", true));
    NodeSettings s = new NodeSettings("n2", false, true, Map.of(), dyn, "c", "a", Map.of());
    ClusterView view = new ClusterView(Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
        OptionalLong.empty(), List.of(), false, Optional.empty(), Optional.empty(),
        Optional.of(Map.of("n1", "http://h1:8008/patroni")));
    Observation o = new Observation(CLOCK.millis(), Optional.of(view), Optional.empty(), 9,
        new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(replica()), Optional.empty()), List.of(), s);
    published.publish(o, 1_000, AgentMemory.initial(), 30, false, 60_000);
    assertThat(published.failsafeDocument()).contains(Map.of("n1", "http://h1:8008/patroni"));
    published.publish(new Observation(CLOCK.millis(), Optional.empty(), Optional.of("down"), 9, o.pg(), List.of(), s),
        1_000, AgentMemory.initial(), 30, false, 60_000);
    assertThat(published.failsafeDocument()).as("kept while ZooKeeper is down")
        .contains(Map.of("n1", "http://h1:8008/patroni"));
  }

  @Test
  void theLockHolderOfAStandbyClusterPublishesStandbyLeader() {
    Map<String, Object> config = Map.of("standby_cluster", Map.of("host", "10.0.0.9", "port", 5432));
    NodeSettings s = new NodeSettings("n1", false, true, Map.of(), DynamicConfig.fromMap(config),
        "postgres://127.0.0.1:5432/postgres", "http://127.0.0.1:8008/patroni", Map.of());
    for (long lockSession : new long[] {9, 7}) {
      ClusterView view = new ClusterView(Optional.of("7000000000000000001"), Optional.of(new ConfigNode(config, 1)),
          Optional.of(new LeaderNode(lockSession == 9 ? "n1" : "n2", lockSession, 0)), List.of(), OptionalLong.of(400),
          List.of(), true, Optional.empty(), Optional.empty());
      Observation o = new Observation(CLOCK.millis(), Optional.of(view), Optional.empty(), 9,
          new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.of(replica()), Optional.of("7000000000000000001")),
          List.of(), s);
      PublishedStatus published = new PublishedStatus("demo", Map.of(), CLOCK);
      published.publish(o, CLOCK.monotonicMillis(), AgentMemory.initial().withPgState("running"), 30, false,
          CLOCK.monotonicMillis() + 60_000);
      NodeStatus st = published.status();
      String role = lockSession == 9 ? "standby_leader" : "replica";
      assertThat(st.standbyCluster()).isTrue();
      assertThat(st.role()).isEqualTo(role);
      assertThat(st.document()).containsEntry("role", role);
      assertThat(st.postgresPrimary()).isFalse();
    }
  }
}
