package io.vigil.agent.cli;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.MemberNode;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Member selection as patronictl does it ({@code get_all_members}, {@code get_members}, leader first, ...). */
final class Members {

  /** Role names accepted by {@code -r/--role}. */
  static final List<String> ROLES = List.of("leader", "primary", "master", "standby-leader", "replica", "standby",
      "any");

  private Members() {}

  /** Members in a role: leader roles give the lock holder, replica/standby the others, any all. */
  static List<MemberNode> withRole(ClusterView view, String role) {
    String leader = view.leader().map(l -> l.name()).orElse(null);
    return switch (role) {
      case "leader" -> view.leaderMember().stream().toList();
      case "master", "primary" -> view.leaderMember().filter(m -> !"standby_leader".equals(m.role().orElse("")))
          .stream().toList();
      case "standby-leader" -> view.leaderMember().filter(m -> "standby_leader".equals(m.role().orElse("")))
          .stream().toList();
      case "replica", "standby" -> view.members().stream().filter(m -> !m.name().equals(leader)).toList();
      case "any" -> view.members();
      default -> throw CtlException.usage("unknown role " + role + "; use one of " + String.join(", ", ROLES));
    };
  }

  /** {@code get_any_member}: the named member, else the first in the role (default: the leader). */
  static Optional<MemberNode> any(ClusterView view, String role, String member) {
    if (member != null) {
      return view.member(member);
    }
    List<MemberNode> in = withRole(view, role == null ? "leader" : role);
    return in.isEmpty() ? Optional.empty() : Optional.of(in.get(0));
  }

  /** The leader (if it has an api_url), then every other member with an api_url. */
  static List<MemberNode> leaderFirst(ClusterView view) {
    List<MemberNode> out = new ArrayList<>();
    Optional<MemberNode> leader = view.leaderMember().filter(m -> m.apiUrl().isPresent());
    leader.ifPresent(out::add);
    view.members().stream().filter(m -> m.apiUrl().isPresent() && !leader.map(l -> l.name().equals(m.name()))
        .orElse(false)).forEach(out::add);
    return out;
  }

  /**
   * patronictl's {@code get_members}: shows the table, narrows the given names to the role (or takes the role's
   * members), asks which member when none is given, checks the names, then asks for confirmation.
   */
  static List<MemberNode> select(Terminal term, String scope, ClusterView view, List<String> names, String role,
                                 boolean force, String action, boolean confirm) {
    Map<String, MemberNode> candidates = new LinkedHashMap<>();
    view.members().forEach(m -> candidates.put(m.name(), m));
    List<String> chosen = new ArrayList<>(names);
    if (!force || role != null) {
      if (chosen.isEmpty() && candidates.isEmpty()) {
        throw new CtlException(scope + " cluster doesn't have any members");
      }
      MembersTable.print(term.out, scope, view, false, "pretty");
    }
    if (role != null) {
      List<String> inRole = withRole(view, role).stream().map(MemberNode::name).toList();
      if (!chosen.isEmpty()) {
        chosen.retainAll(inRole);
        if (chosen.isEmpty()) {
          throw new CtlException("No " + role + " among provided members");
        }
      } else {
        chosen.addAll(inRole);
      }
    }
    if (chosen.isEmpty() && !force) {
      chosen.add(term.prompt("Which member do you want to " + action + " [" + String.join(", ", candidates.keySet())
          + "]?", ""));
    }
    List<MemberNode> members = new ArrayList<>();
    for (String name : chosen) {
      MemberNode m = candidates.get(name);
      if (m == null) {
        throw new CtlException(name + " is not a member of cluster");
      }
      members.add(m);
    }
    if (confirm) {
      confirm(term, members, force, action, null);
    }
    return members;
  }

  static void confirm(Terminal term, List<MemberNode> members, boolean force, String action, String scheduledAt) {
    if (force) {
      return;
    }
    String names = members.stream().map(MemberNode::name).collect(Collectors.joining(", "));
    if (scheduledAt != null) {
      if (!term.confirm("Are you sure you want to schedule " + action + " of members " + names + " at " + scheduledAt
          + "?")) {
        throw new CtlException("Aborted scheduled " + action);
      }
    } else if (!term.confirm("Are you sure you want to " + action + " members " + names + "?")) {
      throw new CtlException("Aborted " + action);
    }
  }

  /** patronictl's {@code timestamp(precision)}: {@code strftime('%Y-%m-%d %H:%M:%S.%f')[:precision - 7]}. */
  static String timestamp(int precision) {
    String full = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS"));
    return full.substring(0, 19 + Math.max(0, Math.min(precision, 6)));
  }

  /** Python's {@code str()} of a list of names: {@code ['n2', 'n3']}. */
  static String pythonList(List<String> names) {
    return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", ", "[", "]"));
  }

  /** {@code loop_wait} of the dynamic configuration (default 10). */
  static long loopWait(ClusterView view) {
    Object v = view.config().map(c -> c.data().get("loop_wait")).orElse(null);
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return v == null ? 10 : Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      return 10;
    }
  }

  static boolean paused(ClusterView view) {
    return view.config().map(c -> MembersTable.truthy(c.data().get("pause"))).orElse(false);
  }
}
