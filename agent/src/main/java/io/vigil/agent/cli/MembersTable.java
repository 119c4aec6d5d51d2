package io.vigil.agent.cli;

import io.vigil.agent.daemon.ClusterDocument;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.FailoverNode;
import io.vigil.dcs.MemberNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** patronictl's {@code output_members} (wire spec 6.3): the members table, its records, and the service notes. */
final class MembersTable {

  private static final long MIB = 1024 * 1024;

  private MembersTable() {}

  static void print(PrintStream out, String scope, ClusterView view, boolean extended, String format) {
    boolean topology = "topology".equals(format);
    List<MemberNode> members = topology ? topologyOrder(view) : view.members();
    List<String> columns = new ArrayList<>(List.of("Cluster", "Member", "Host", "Role", "State", "TL", "Lag in MB"));
    boolean pending = extended || members.stream().anyMatch(m -> truthy(m.data().get("pending_restart")));
    boolean scheduled = extended || members.stream().anyMatch(m -> m.data().get("scheduled_restart") != null);
    boolean tags = extended || members.stream().anyMatch(m -> !m.tags().isEmpty());
    // Vigil: a member that may not lead because its watchdog or fence is unusable says why (docs/fencing.md)
    boolean unguarded = members.stream().anyMatch(m -> m.data().get("watchdog_failed") instanceof String);
    if (pending) {
      columns.add("Pending restart");
    }
    if (scheduled) {
      columns.add("Scheduled restart");
    }
    if (tags) {
      columns.add("Tags");
    }
    if (unguarded) {
      columns.add("Cannot lead");
    }
    boolean appendPort = members.stream().anyMatch(m -> m.pgAddress().map(a -> a.port() != 5432).orElse(false))
        || members.stream().filter(m -> m.pgAddress().isPresent()).map(m -> m.pgAddress().get().host()).distinct()
            .count() < members.stream().filter(m -> m.pgAddress().isPresent()).count();
    String leaderRole = ClusterDocument.standbyCluster(view) ? "Standby Leader" : "Leader";
    Map<String, Integer> depth = topology ? depths(view) : Map.of();
    List<List<Object>> rows = new ArrayList<>();
    for (MemberNode m : members) {
      boolean leader = view.isLockedBy(m.name());
      Object lag = "";
      if (!leader) {
        lag = m.xlogLocation().isPresent()
            ? Math.round(Math.max(0, view.optime().orElse(0) - m.xlogLocation().getAsLong()) / (double) MIB)
            : "unknown";
      }
      int level = depth.getOrDefault(m.name(), 0);
      String name = level > 0 ? " ".repeat((level - 1) * 2) + "+ " + m.name() : m.name();
      String host = m.pgAddress().map(a -> appendPort ? a.host() + ":" + a.port() : a.host()).orElse("");
      String role = leader ? leaderRole : ClusterDocument.syncRole(view, m.name()).map(MembersTable::title)
          .orElse("Replica");
      List<Object> row = new ArrayList<>(List.of(scope, name, host, role,
          m.state().orElse(""), m.timeline().isPresent() ? (Object) m.timeline().getAsInt() : "", lag));
      if (pending) {
        row.add(truthy(m.data().get("pending_restart")) ? "*" : "");
      }
      if (scheduled) {
        row.add(scheduledRestart(m.data().get("scheduled_restart")));
      }
      if (tags) {
        Object t = m.tags().isEmpty() ? "" : m.tags();
        if (!"json".equals(format) && !"yaml".equals(format) && !"yml".equals(format) && !m.tags().isEmpty()) {
          t = "tsv".equals(format) ? Yaml.dumpFlow(m.tags()) : Yaml.dump(m.tags()).strip();
        }
        row.add(t);
      }
      if (unguarded) {
        row.add(m.data().get("watchdog_failed") instanceof String why ? why : "");
      }
      rows.add(row);
    }
    Output.print(out, columns, rows, Set.of("TL", "Lag in MB"), format, "Cluster: " + scope, "\t");
    if ("pretty".equals(format) || topology) {
      List<String> info = new ArrayList<>();
      if (view.config().map(c -> truthy(c.data().get("pause"))).orElse(false)) {
        info.add("Maintenance mode: on");
      }
      view.failover().flatMap(f -> f.scheduledAt().map(at -> switchoverInfo(f, at))).ifPresent(info::add);
      if (!info.isEmpty()) {
        out.println(" " + String.join("\n ", info));
      }
    }
  }

  /** patronictl's {@code role.replace('_', ' ').title()}: {@code sync_standby} becomes {@code Sync Standby}. */
  static String title(String role) {
    StringBuilder out = new StringBuilder();
    for (String word : role.split("_")) {
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append(word.isEmpty() ? "" : Character.toUpperCase(word.charAt(0)) + word.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return out.toString();
  }

  private static String switchoverInfo(FailoverNode f, String at) {
    StringBuilder b = new StringBuilder("Switchover scheduled at: " + at);
    f.leader().ifPresent(l -> b.append('\n').append(String.format("%24s: %s", "from", l)));
    f.member().ifPresent(c -> b.append('\n').append(String.format("%24s: %s", "to", c)));
    return b.toString();
  }

  private static String scheduledRestart(Object value) {
    if (!(value instanceof Map<?, ?> m) || m.get("schedule") == null) {
      return "";
    }
    String s = String.valueOf(m.get("schedule"));
    return m.get("postgres_version") != null ? s + " if version < " + m.get("postgres_version") : s;
  }

  /** Leader first, then each member under the one named in its {@code replicatefrom} tag (else the leader). */
  private static List<MemberNode> topologyOrder(ClusterView view) {
    List<MemberNode> out = new ArrayList<>();
    Map<String, List<MemberNode>> children = children(view);
    String root = view.leaderMember().map(MemberNode::name).orElse(null);
    view.leaderMember().ifPresent(out::add);
    Set<String> seen = new HashSet<>();
    walk(root, children, out, seen);
    view.members().stream().filter(m -> !out.contains(m)).forEach(out::add);
    return out;
  }

  private static Map<String, Integer> depths(ClusterView view) {
    Map<String, Integer> depth = new LinkedHashMap<>();
    Map<String, List<MemberNode>> children = children(view);
    String root = view.leaderMember().map(MemberNode::name).orElse(null);
    fill(root, root == null ? 0 : 1, children, depth);
    return depth;
  }

  private static void fill(String parent, int level, Map<String, List<MemberNode>> children, Map<String, Integer> depth) {
    for (MemberNode c : children.getOrDefault(parent, List.of())) {
      if (depth.putIfAbsent(c.name(), level) == null) {
        fill(c.name(), level + 1, children, depth);
      }
    }
  }

  private static void walk(String parent, Map<String, List<MemberNode>> children, List<MemberNode> out,
                           Set<String> seen) {
    for (MemberNode c : children.getOrDefault(parent, List.of())) {
      if (seen.add(c.name())) {
        out.add(c);
        walk(c.name(), children, out, seen);
      }
    }
  }

  private static Map<String, List<MemberNode>> children(ClusterView view) {
    String leader = view.leaderMember().map(MemberNode::name).orElse(null);
    Set<String> replicas = new HashSet<>();
    view.members().stream().filter(m -> !m.name().equals(leader)).forEach(m -> replicas.add(m.name()));
    Map<String, List<MemberNode>> children = new LinkedHashMap<>();
    for (MemberNode m : view.members()) {
      if (m.name().equals(leader)) {
        continue;
      }
      Object from = m.tags().get("replicatefrom");
      String parent = from instanceof String p && !p.equals(m.name()) && replicas.contains(p) ? p : leader;
      children.computeIfAbsent(parent, k -> new ArrayList<>()).add(m);
    }
    return children;
  }

  static boolean truthy(Object v) {
    return v instanceof Boolean b ? b : v != null && !"".equals(v) && !"false".equals(v);
  }
}
