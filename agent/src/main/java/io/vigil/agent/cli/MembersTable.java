package io.vigil.agent.cli;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.MemberNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Renders the members of a cluster view as patronictl's table (wire spec 6.3). */
final class MembersTable {

  private static final long MIB = 1024 * 1024;

  private MembersTable() {}

  static String render(String scope, ClusterView view, boolean topology) {
    List<MemberNode> members = ordered(view, topology);
    boolean showPorts = members.stream().anyMatch(m -> m.pgAddress().map(a -> a.port() != 5432).orElse(false))
        || members.stream().map(m -> m.pgAddress().map(a -> a.host()).orElse("")).distinct().count() < members.size();
    boolean anyTags = members.stream().anyMatch(m -> !m.tags().isEmpty());
    List<String> cols = new ArrayList<>(List.of("Member", "Host", "Role", "State", "TL", "Lag in MB"));
    if (anyTags) {
      cols.add("Tags");
    }
    Table table = new Table(cols, Set.of("TL", "Lag in MB"));
    for (MemberNode m : members) {
      boolean leader = view.isLockedBy(m.name());
      String host = m.pgAddress().map(a -> showPorts ? a.host() + ":" + a.port() : a.host()).orElse("");
      String lag = "";
      if (!leader) {
        lag = m.xlogLocation().isPresent() && view.optime().isPresent()
            ? Long.toString(Math.round(Math.max(0, view.optime().getAsLong() - m.xlogLocation().getAsLong())
                / (double) MIB))
            : "unknown";
      }
      String name = topology && !leader && view.leader().isPresent() ? "+ " + m.name() : m.name();
      List<String> row = new ArrayList<>(List.of(name, host, leader ? "Leader" : "Replica", m.state().orElse(""),
          m.timeline().isPresent() ? Integer.toString(m.timeline().getAsInt()) : "", lag));
      if (anyTags) {
        row.add(m.tags().isEmpty() ? "" : m.tags().toString());
      }
      table.add(row);
    }
    StringBuilder out = new StringBuilder(table.render("Cluster: " + scope));
    if (view.config().map(c -> Boolean.TRUE.equals(c.data().get("pause"))).orElse(false)) {
      out.append("\n Maintenance mode: on");
    }
    return out.toString();
  }

  private static List<MemberNode> ordered(ClusterView view, boolean topology) {
    if (!topology) {
      return view.members();
    }
    List<MemberNode> out = new ArrayList<>();
    view.leaderMember().ifPresent(out::add);
    view.members().stream().filter(m -> !view.isLockedBy(m.name())).forEach(out::add);
    return out;
  }
}
