package io.vigil.agent.cli;

import io.vigil.agent.api.ScheduledAt;
import io.vigil.agent.ha.Isoformat;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.DcsException;
import io.vigil.dcs.MemberNode;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * patronictl's {@code _do_failover_or_switchover} (3.0.2): checks leader and candidate against the cluster,
 * prompts for what is missing unless {@code --force}, shows the topology, confirms, then sends
 * {@code POST /switchover} (or {@code /failover}) to the leader (or to the candidate when there is no
 * leader). Only when no member answers does it write {@code /failover} itself.
 */
final class ManualFailover {

  private final VigilCtl ctl;
  private final String action;

  ManualFailover(VigilCtl ctl, String action) {
    this.ctl = ctl;
    this.action = action;
  }

  int run(String clusterName, String leader, String candidate, boolean force, String scheduled) throws Exception {
    Terminal term = ctl.term;
    try (Target t = ctl.target(clusterName)) {
      ClusterView view = t.read();
      String current = view.leader().map(l -> l.name()).orElse(null);
      if ("switchover".equals(action) && current == null) {
        throw new CtlException("This cluster has no leader");
      }
      if (leader == null) {
        if (force || "failover".equals(action)) {
          leader = current;
        } else {
          boolean standby = io.vigil.agent.daemon.ClusterDocument.standbyCluster(view);
          leader = term.prompt(standby ? "Standby Leader" : "Primary", view.leaderMember().map(MemberNode::name)
              .orElse(current));
        }
      }
      if (leader != null && current != null && !leader.equals(current)) {
        throw new CtlException("Member " + leader + " is not the leader of cluster " + t.scope);
      }
      String source = leader;
      List<String> candidates = view.members().stream()
          .filter(m -> !m.name().equals(source) && !m.nofailover()).map(MemberNode::name).sorted().toList();
      if (candidates.isEmpty()) {
        throw new CtlException("No candidates found to " + action + " to");
      }
      if (candidate == null && !force) {
        candidate = term.prompt("Candidate " + Members.pythonList(candidates), "");
      }
      if (candidate != null && candidate.isEmpty()) {
        candidate = null;
      }
      if ("failover".equals(action) && candidate == null) {
        throw new CtlException("Failover could be performed only to a specific candidate");
      }
      if (candidate != null && candidate.equals(leader)) {
        throw new CtlException(title(action) + " target and source are the same.");
      }
      if (candidate != null && !candidates.contains(candidate)) {
        throw new CtlException("Member " + candidate + " does not exist in cluster " + t.scope);
      }
      OffsetDateTime at = null;
      if ("switchover".equals(action)) {
        if (scheduled == null && !force) {
          String nextHour = LocalDateTime.now().plusHours(1).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"));
          scheduled = term.prompt("When should the switchover take place (e.g. " + nextHour + " ) ", "now");
        }
        at = parseScheduled(scheduled);
        if (at != null && Members.paused(view)) {
          throw new CtlException("Can't schedule switchover in the paused state");
        }
      }
      String atText = at == null ? null : Isoformat.of(at);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("leader", leader);
      body.put("candidate", candidate);
      body.put("scheduled_at", atText);

      term.out.println("Current cluster topology");
      MembersTable.print(term.out, t.scope, t.read(), false, "pretty");
      if (!force) {
        String demote = leader != null ? ", demoting current leader " + leader : "";
        if (atText != null) {
          if (!term.confirm("Are you sure you want to schedule " + action + " of cluster " + t.scope + " at " + atText
              + demote + "?")) {
            throw new CtlException("Aborting scheduled " + action);
          }
        } else if (!term.confirm("Are you sure you want to " + action + " cluster " + t.scope + demote + "?")) {
          throw new CtlException("Aborting " + action);
        }
      }
      int code = send(t, view, body, candidate, atText == null);
      MembersTable.print(term.out, t.scope, t.read(), false, "pretty");
      return code;
    }
  }

  private int send(Target t, ClusterView view, Map<String, Object> body, String candidate, boolean immediate)
      throws DcsException {
    Optional<MemberNode> member = view.leader().isPresent() ? view.leaderMember() : view.member(candidate);
    Duration wait = immediate ? Duration.ofSeconds(2 * Math.max(10, Members.loopWait(view)) + 5)
        : MemberApi.DEFAULT_TIMEOUT;
    MemberApi api = ctl.api(t);
    try {
      if (member.isEmpty()) {
        throw new IOException("no member to ask");
      }
      MemberApi.Response r = api.call(member.get(), "POST", action, body, wait);
      if (r.status() == 501 && "switchover".equals(action) && r.body().contains("Server does not support this operation")) {
        r = api.call(member.get(), "POST", "failover", body, wait);
      }
      if (r.status() == 200 || r.status() == 202) {
        ctl.term.out.println(Members.timestamp(6) + " " + r.body());
        return 0;
      }
      ctl.term.out.flush();
      ctl.term.err.println(title(action) + " failed, details: " + r.status() + ", " + oneLine(r.body()));
      return 1;
    } catch (IOException e) {
      ctl.term.out.println(Members.timestamp(6) + " Could not " + action + " using Patroni api, falling back to DCS");
      Map<String, Object> value = new LinkedHashMap<>();
      body.forEach((k, v) -> {
        if (v != null) {
          value.put("candidate".equals(k) ? "member" : k, v);
        }
      });
      t.dcs().writeFailover(value, OptionalInt.empty());
      return 0;
    }
  }

  /** patronictl's {@code parse_scheduled}: {@code now} or empty = immediately; a time without zone is local. */
  static OffsetDateTime parseScheduled(String scheduled) {
    if (scheduled == null || scheduled.isBlank() || scheduled.strip().equals("now")) {
      return null;
    }
    return ScheduledAt.parseLocal(scheduled, ZoneId.systemDefault()).orElseThrow(() -> new CtlException(
        "Unable to parse scheduled timestamp (" + scheduled + "). It should be in an unambiguous format (e.g. ISO 8601)"));
  }

  static String title(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** An error page or message as one line (the text of Python's error page is reduced to its message). */
  static String oneLine(String body) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("<p>Message: (.*?)\\.?</p>").matcher(body);
    String text = m.find() ? m.group(1) : body;
    return text.strip().replaceAll("\\s*\n\\s*", " ");
  }
}
