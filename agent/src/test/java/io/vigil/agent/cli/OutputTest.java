package io.vigil.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.ConfigNode;
import io.vigil.dcs.FailoverNode;
import io.vigil.dcs.LeaderNode;
import io.vigil.dcs.MemberNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
