package io.vigil.agent.cli;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.FailoverNode;
import io.vigil.dcs.MemberNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigilctl flush [cluster] [members] restart|switchover}: discards scheduled restarts
 * ({@code DELETE /restart} on each member that has one) or the scheduled switchover ({@code DELETE /switchover}
 * on the leader, then the others; if nobody answers, {@code /failover} ← {@code {}} with compare-and-set).
 */
@Command(mixinStandardHelpOptions = true, name = "flush", description = "Discard scheduled events")
final class FlushCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "1..*", paramLabel = "[CLUSTER_NAME] [MEMBER_NAMES] restart|switchover")
  List<String> words = new ArrayList<>();

  @Option(names = {"-r", "--role"}, defaultValue = "any", description = "Flush only members with this role")
  String role;

  @Option(names = "--force", description = "Do not ask for confirmation at any point") boolean force;

  @Override
  public Integer call() throws Exception {
    String what = words.get(words.size() - 1);
    if (!what.equals("restart") && !what.equals("switchover")) {
      throw CtlException.usage("the last argument must be restart or switchover, not " + what);
    }
    VigilCtl.Selection sel = ctl.positional(words.subList(0, words.size() - 1));
    try (Target t = ctl.target(sel.cluster())) {
      ClusterView view = t.read();
      return what.equals("restart") ? restarts(t, view, sel.members()) : switchover(t, view);
    }
  }

  private int restarts(Target t, ClusterView view, List<String> names) {
    Terminal term = ctl.term;
    MemberApi api = ctl.api(t);
    int failed = 0;
    for (MemberNode m : Members.select(term, t.scope, view, names, role, force, "flush", true)) {
      if (m.data().get("scheduled_restart") == null) {
        term.out.println("No scheduled restart for member " + m.name());
        continue;
      }
      try {
        MemberApi.Response r = api.call(m, "DELETE", "restart", null, MemberApi.DEFAULT_TIMEOUT);
        if (r.status() >= 400) {
          failed++;
          term.err.println("Failed: flush scheduled restart for member " + m.name() + ", status code=" + r.status()
              + ", (" + ManualFailover.oneLine(r.body()) + ")");
        } else {
          term.out.println("Success: flush scheduled restart for member " + m.name());
        }
      } catch (IOException e) {
        failed++;
        term.err.println("Failed: flush scheduled restart for member " + m.name() + ", " + e.getMessage());
      }
    }
    return failed == 0 ? 0 : 1;
  }

  private int switchover(Target t, ClusterView view) throws Exception {
    Terminal term = ctl.term;
    Optional<FailoverNode> failover = view.failover();
    if (failover.isEmpty() || failover.get().scheduledAt().isEmpty()) {
      term.out.println("No pending scheduled switchover");
      return 0;
    }
    MemberApi api = ctl.api(t);
    for (MemberNode m : Members.leaderFirst(view)) {
      try {
        MemberApi.Response r = api.call(m, "DELETE", "switchover", null, MemberApi.DEFAULT_TIMEOUT);
        if (r.status() == 200) {
          term.out.println("Success: " + r.body());
          return 0;
        }
        if (r.status() == 404) {
          throw new CtlException(ManualFailover.oneLine(r.body()));
        }
        term.err.println("Failed: member=" + m.name() + ", status_code=" + r.status() + ", ("
            + ManualFailover.oneLine(r.body()) + ")");
      } catch (IOException e) {
        term.err.println("Member " + m.name() + " is not accessible: " + e.getMessage());
      }
    }
    term.out.println(Members.timestamp(6) + " Could not find any accessible member of cluster " + t.scope);
    t.dcs().writeFailover(Map.of(), OptionalInt.of(failover.get().version()));
    if (t.read().failover().isPresent()) {
      throw new CtlException("the scheduled switchover changed meanwhile; it was left as is");
    }
    term.out.println("Success: scheduled switchover deleted");
    return 0;
  }
}
