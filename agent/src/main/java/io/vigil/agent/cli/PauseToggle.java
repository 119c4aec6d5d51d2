package io.vigil.agent.cli;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.MemberNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * patronictl's {@code toggle_pause}: {@code PATCH /config} {@code {"pause": true}} (or {@code null} to resume)
 * to the leader, else to the next member that answers; with {@code --wait}, polls the member keys until
 * every member that was there shows the new state, for up to {@code loop_wait + 1} seconds.
 */
final class PauseToggle {

  private PauseToggle() {}

  static int run(VigilCtl ctl, String clusterName, boolean pause, boolean await) throws Exception {
    Terminal term = ctl.term;
    String word = pause ? "pause" : "resume";
    try (Target t = ctl.target(clusterName)) {
      ClusterView view = t.read();
      if (Members.paused(view) == pause) {
        throw new CtlException("Cluster is " + (pause ? "already" : "not") + " paused");
      }
      MemberApi api = ctl.api(t);
      Map<String, Object> body = new HashMap<>();
      body.put("pause", pause ? Boolean.TRUE : null);
      for (MemberNode m : Members.leaderFirst(view)) {
        MemberApi.Response r;
        try {
          r = api.call(m, "PATCH", "config", body, MemberApi.DEFAULT_TIMEOUT);
        } catch (IOException e) {
          term.err.println("Member " + m.name() + " is not accessible: " + e.getMessage());
          continue;
        }
        if (r.status() != 200) {
          throw new CtlException("Failed: " + word + " cluster management status code=" + r.status() + ", ("
              + ManualFailover.oneLine(r.body()) + ")");
        }
        return await ? awaitApplied(t, term, pause, view) : success(term, pause);
      }
      throw new CtlException("Can not find accessible cluster member");
    }
  }

  private static int awaitApplied(Target t, Terminal term, boolean pause, ClusterView before) throws Exception {
    term.out.println("'" + (pause ? "pause" : "resume") + "' request sent, waiting until it is recognized by all nodes");
    List<String> names = before.members().stream().filter(m -> m.apiUrl().isPresent()).map(MemberNode::name).toList();
    long loopWait = Members.loopWait(before);
    long deadline = System.nanoTime() + (loopWait + 1) * 1_000_000_000L;
    List<String> remaining = names;
    while (true) {
      ClusterView now = t.read();
      remaining = names.stream().filter(n -> now.member(n).map(m -> !applied(m, pause)).orElse(false)).toList();
      if (remaining.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(200);
    }
    if (!remaining.isEmpty()) {
      throw new CtlException(String.join(", ", remaining) + " members didn't recognized pause state after "
          + loopWait + " seconds");
    }
    return success(term, pause);
  }

  private static boolean applied(MemberNode m, boolean pause) {
    return MembersTable.truthy(m.data().get("pause")) == pause;
  }

  private static int success(Terminal term, boolean pause) {
    term.out.println("Success: cluster management is " + (pause ? "paused" : "resumed"));
    return 0;
  }
}
