package io.vigil.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.dcs.ClusterView;
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

class MembersTableTest {

  private static MemberNode member(String name, int port, Map<String, Object> extra) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conn_url", "postgres://127.0.0.1:" + port + "/postgres");
    data.put("api_url", "http://127.0.0.1:" + (port + 1000) + "/patroni");
    data.put("state", "running");
    data.put("role", "replica");
    data.putAll(extra);
    return new MemberNode(name, data, port);
  }

  private static String list(List<MemberNode> members) {
    ClusterView view = new ClusterView(Optional.empty(), Optional.empty(), Optional.of(new LeaderNode("n1", 5432, 0)),
        members, OptionalLong.empty(), List.of(), false, Optional.empty(), Optional.empty());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MembersTable.print(new PrintStream(out, true, StandardCharsets.UTF_8), "demo", view, false, "tsv");
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aMemberThatMayNotLeadSaysWhyAndTheColumnIsThereOnlyThen() {
    String reason = "the watchdog is required but not usable: device /dev/watchdog does not exist";
    String table = list(List.of(member("n1", 5432, Map.of()), member("n2", 5433, Map.of("watchdog_failed", reason))));
    assertThat(table.lines().findFirst().orElseThrow()).endsWith("\tCannot lead");
    assertThat(table).contains("n2\t127.0.0.1:5433\tReplica\trunning\t").contains("\t" + reason);

    assertThat(list(List.of(member("n1", 5432, Map.of()), member("n2", 5433, Map.of()))))
        .doesNotContain("Cannot lead");
  }
}
