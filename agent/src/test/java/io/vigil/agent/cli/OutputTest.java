package io.vigil.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.agent.daemon.ClusterDocument;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.ConfigNode;
import io.vigil.dcs.FailoverNode;
import io.vigil.dcs.LeaderNode;
import io.vigil.dcs.MemberNode;
import io.vigil.dcs.SyncNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OutputTest {

  static MemberNode member(String name, int port, long xlog, Map<String, Object> tags) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conn_url", "postgres://127.0.0.1:" + port + "/postgres");
    data.put("api_url", "http://127.0.0.1:8008/patroni");
    data.put("state", "running");
    data.put("role", name.equals("n1") ? "master" : "replica");
    data.put("xlog_location", xlog);
    data.put("timeline", 2L);
    if (!tags.isEmpty()) {
      data.put("tags", tags);
    }
    return new MemberNode(name, data, 1);
  }

  static ClusterView view(Map<String, Object> config, Optional<FailoverNode> failover, MemberNode... members) {
    return new ClusterView(Optional.of("7000000000000000001"), Optional.of(new ConfigNode(config, 1)),
        Optional.of(new LeaderNode("n1", 1, 0)), List.of(members), OptionalLong.of(3 * 1024 * 1024 + 100),
        List.of(), true, failover);
  }

  private static Map<String, Object> tags() {
    Map<String, Object> tags = new LinkedHashMap<>();
    tags.put("nofailover", true);
    tags.put("clonefrom", true);
    return tags;
  }

  private static String print(ClusterView v, String format, boolean extended) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    MembersTable.print(new PrintStream(buf, true, StandardCharsets.UTF_8), "demo", v, extended, format);
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void prettyTableWithServiceInfo() {
    ClusterView v = view(Map.of("pause", true), Optional.of(new FailoverNode(Optional.of("n1"), Optional.of("n2"),
        Optional.of("2026-11-23T13:00:00+00:00"), 1)),
        member("n1", 5432, 3 * 1024 * 1024 + 100, Map.of()), member("n2", 5433, 100, Map.of()));
    assertThat(print(v, "pretty", false)).isEqualTo("""
        + Cluster: demo ----------+---------+---------+----+-----------+
        | Member | Host           | Role    | State   | TL | Lag in MB |
        +--------+----------------+---------+---------+----+-----------+
        | n1     | 127.0.0.1:5432 | Leader  | running |  2 |           |
        | n2     | 127.0.0.1:5433 | Replica | running |  2 |         3 |
        +--------+----------------+---------+---------+----+-----------+
         Maintenance mode: on
         Switchover scheduled at: 2026-11-23T13:00:00+00:00
                            from: n1
                              to: n2
        """);
  }

  @Test
  void tagsAsYamlCellsAndRecordsWithoutEmptyValues() {
    ClusterView v = view(Map.of(), Optional.empty(), member("n1", 5432, 0, Map.of()),
        member("n2", 5432, 0, tags()));
    assertThat(print(v, "pretty", false)).contains("""
        | n2     | 127.0.0.1:5432 | Replica | running |  2 |         3 | clonefrom: true  |
        |        |                |         |         |    |           | nofailover: true |
        """);
    assertThat(print(v, "json", false)).isEqualTo("[{\"Cluster\": \"demo\", \"Member\": \"n1\", \"Host\": "
        + "\"127.0.0.1:5432\", \"Role\": \"Leader\", \"State\": \"running\", \"TL\": 2}, {\"Cluster\": \"demo\", "
        + "\"Member\": \"n2\", \"Host\": \"127.0.0.1:5432\", \"Role\": \"Replica\", \"State\": \"running\", \"TL\": 2, "
        + "\"Lag in MB\": 3, \"Tags\": {\"nofailover\": true, \"clonefrom\": true}}]\n");
    assertThat(print(v, "tsv", false)).startsWith("Cluster\tMember\tHost\tRole\tState\tTL\tLag in MB\tTags\n"
        + "demo\tn1\t127.0.0.1:5432\tLeader\trunning\t2\t\t\n");
    assertThat(print(v, "tsv", false)).contains("{clonefrom: true, nofailover: true}");
  }

  private static ClusterView syncView(Object mode, Optional<SyncNode> sync) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("synchronous_mode", mode);
    return view(config, Optional.empty(), member("n1", 5432, 3 * 1024 * 1024 + 100, Map.of()),
        member("n2", 5433, 3 * 1024 * 1024 + 100, Map.of()), member("n3", 5434, 100, Map.of())).withSync(sync);
  }

  private static Optional<SyncNode> listing(String... standbys) {
    return Optional.of(new SyncNode(Optional.of("n1"), List.of(standbys), OptionalInt.empty(), 2));
  }

  @Test
  void syncStandbysInModeOn() {
    ClusterView v = syncView(true, listing("n2"));
    assertThat(print(v, "pretty", false)).isEqualTo("""
        + Cluster: demo ----------+--------------+---------+----+-----------+
        | Member | Host           | Role         | State   | TL | Lag in MB |
        +--------+----------------+--------------+---------+----+-----------+
        | n1     | 127.0.0.1:5432 | Leader       | running |  2 |           |
        | n2     | 127.0.0.1:5433 | Sync Standby | running |  2 |         0 |
        | n3     | 127.0.0.1:5434 | Replica      | running |  2 |         3 |
        +--------+----------------+--------------+---------+----+-----------+
        """);
    assertThat(print(v, "json", false)).contains("\"Member\": \"n2\", \"Host\": \"127.0.0.1:5433\", "
        + "\"Role\": \"Sync Standby\"");
    assertThat(print(syncView("on", listing("n2", "N3")), "tsv", false))
        .contains("demo\tn2\t127.0.0.1:5433\tSync Standby\t").contains("demo\tn3\t127.0.0.1:5434\tSync Standby\t");
  }

  @Test
  void quorumStandbysInQuorumMode() {
    ClusterView v = syncView("quorum", Optional.of(new SyncNode(Optional.of("n1"), List.of("n2", "n3"),
        OptionalInt.of(1), 2)));
    String out = print(v, "pretty", false);
    assertThat(out).contains("| n2     | 127.0.0.1:5433 | Quorum Standby | running |")
        .contains("| n3     | 127.0.0.1:5434 | Quorum Standby | running |")
        .contains("| n1     | 127.0.0.1:5432 | Leader         | running |");
    assertThat(print(v, "yaml", false)).contains("Role: Quorum Standby");
  }

  @Test
  void replicasOutsideSyncModeOrNotListedStayReplicas() {
    for (ClusterView v : List.of(syncView(false, listing("n2")), syncView("maybe", listing("n2")),
        syncView(true, Optional.empty()), syncView(true, Optional.of(SyncNode.empty(5))), syncView(true, listing()))) {
      assertThat(print(v, "pretty", false)).doesNotContain("Standby");
    }
    assertThat(print(syncView(true, listing("n1")), "pretty", false)).as("the leader is the leader")
        .contains("| n1     | 127.0.0.1:5432 | Leader  |").doesNotContain("Standby");
  }

  @Test
  void clusterDocumentRolesFollowTheSameRule() {
    assertThat(ClusterDocument.members(syncView("on", listing("n2")))).extracting(m -> m.get("role"))
        .containsExactly("leader", "sync_standby", "replica");
    assertThat(ClusterDocument.members(syncView("quorum", listing("n2", "n3")))).extracting(m -> m.get("role"))
        .containsExactly("leader", "quorum_standby", "quorum_standby");
    assertThat(ClusterDocument.members(syncView("off", listing("n2")))).extracting(m -> m.get("role"))
        .containsExactly("leader", "replica", "replica");
    Map<String, Object> standbyCluster = Map.of("synchronous_mode", true, "standby_cluster", Map.of("host", "10.0.0.9"));
    assertThat(ClusterDocument.syncRole(view(standbyCluster, Optional.empty(), member("n2", 5433, 0, Map.of()))
        .withSync(listing("n2")), "n2")).isEmpty();
  }

  @Test
  void theLeaderOfAStandbyClusterIsItsStandbyLeader() {
    ClusterView v = view(Map.of("standby_cluster", Map.of("host", "10.0.0.9", "port", 5433)), Optional.empty(),
        member("n1", 5432, 3 * 1024 * 1024 + 100, Map.of()), member("n2", 5433, 3 * 1024 * 1024 + 100, Map.of()));
    assertThat(print(v, "pretty", false)).isEqualTo("""
        + Cluster: demo ----------+----------------+---------+----+-----------+
        | Member | Host           | Role           | State   | TL | Lag in MB |
        +--------+----------------+----------------+---------+----+-----------+
        | n1     | 127.0.0.1:5432 | Standby Leader | running |  2 |           |
        | n2     | 127.0.0.1:5433 | Replica        | running |  2 |         0 |
        +--------+----------------+----------------+---------+----+-----------+
        """);
    assertThat(ClusterDocument.members(v)).extracting(m -> m.get("role")).containsExactly("standby_leader", "replica");
    assertThat(ClusterDocument.members(view(Map.of("standby_cluster", Map.of()), Optional.empty(),
        member("n1", 5432, 0, Map.of())))).extracting(m -> m.get("role")).as("an empty section is no standby cluster")
        .containsExactly("leader");
  }

  @Test
  void titleIsPatronictls() {
    assertThat(MembersTable.title("sync_standby")).isEqualTo("Sync Standby");
    assertThat(MembersTable.title("quorum_standby")).isEqualTo("Quorum Standby");
    assertThat(MembersTable.title("replica")).isEqualTo("Replica");
  }

  @Test
  void topologyIndentsReplicasUnderTheirUpstream() {
    ClusterView v = view(Map.of(), Optional.empty(), member("n1", 5432, 0, Map.of()),
        member("n2", 5433, 0, Map.of("replicatefrom", "n3")), member("n3", 5434, 0, Map.of()));
    String out = print(v, "topology", false);
    assertThat(out).contains("| n1     |").contains("| + n3   |").contains("|   + n2 |");
    assertThat(out.indexOf("+ n3")).isLessThan(out.indexOf("+ n2"));
  }

  @Test
  void titleIsCutToTheTableWidth() {
    Table t = new Table(List.of("A"), java.util.Set.of());
    t.add(List.of("x"));
    assertThat(t.render("Cluster: a-very-long-name")).startsWith("+ Cl+\n");
  }
}
