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
}
