package io.vigil.agent.api;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.ConfigNode;
import io.vigil.dcs.FailoverNode;
import io.vigil.dcs.LeaderNode;
import io.vigil.dcs.MemberNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Builds cluster views for tests: {@code Views.cluster("n1", "n1", "n2", "n3")}. */
final class Views {

  private Views() {}

  static MemberNode member(String name) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conn_url", "postgres://10.0.0." + name.substring(1) + ":5432/postgres");
    data.put("api_url", "http://10.0.0." + name.substring(1) + ":8008/patroni");
    data.put("state", "running");
    data.put("role", "replica");
    return new MemberNode(name, data, 1);
  }

  /** Leader (may be null), then member names; config {@code loop_wait: 2}. */
  static ClusterView cluster(String leader, String... members) {
    return with(leader, Map.of("loop_wait", 2L), Optional.empty(), members);
  }

  static ClusterView with(String leader, Map<String, Object> config, Optional<FailoverNode> failover,
                          String... members) {
    List<MemberNode> nodes = new ArrayList<>();
    for (String m : members) {
      nodes.add(member(m));
    }
    return new ClusterView(Optional.of("7000000000000000001"), Optional.of(new ConfigNode(config, 3)),
        Optional.ofNullable(leader).map(l -> new LeaderNode(l, 1, 0)), nodes, OptionalLong.of(100),
        List.of(), true, failover);
  }

  static ClusterView withLeader(ClusterView v, String leader) {
    return new ClusterView(v.initialize(), v.config(), Optional.ofNullable(leader).map(l -> new LeaderNode(l, 2, 0)),
        v.members(), v.optime(), v.history(), v.historyPresent(), v.failover());
  }

  static ClusterView withFailover(ClusterView v, Optional<FailoverNode> f) {
    return new ClusterView(v.initialize(), v.config(), v.leader(), v.members(), v.optime(), v.history(),
        v.historyPresent(), f);
  }

  static ClusterView withConfig(ClusterView v, Optional<ConfigNode> c) {
    return new ClusterView(v.initialize(), c, v.leader(), v.members(), v.optime(), v.history(), v.historyPresent(),
        v.failover());
  }

  static Map<String, Object> replicaDoc() {
    return Map.of("state", "running", "role", "replica",
        "xlog", Map.of("received_location", 100L, "replayed_location", 100L));
  }
}
