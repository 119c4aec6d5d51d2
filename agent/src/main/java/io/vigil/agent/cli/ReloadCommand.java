package io.vigil.agent.cli;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.MemberNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl reload [cluster] [members]}: {@code POST /reload} on each selected member. */
@Command(mixinStandardHelpOptions = true, name = "reload", description = "Reload cluster member configuration")
final class ReloadCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..*", paramLabel = "[CLUSTER_NAME] [MEMBER_NAMES]") List<String> words = new ArrayList<>();

  @Option(names = {"-r", "--role"}, defaultValue = "any", description = "Reload only members with this role")
  String role;

  @Option(names = "--force", description = "Do not ask for confirmation at any point") boolean force;

  @Override
  public Integer call() throws Exception {
    VigilCtl.Selection sel = ctl.positional(words);
    try (Target t = ctl.target(sel.cluster())) {
      ClusterView view = t.read();
      Terminal term = ctl.term;
      List<MemberNode> members = Members.select(term, t.scope, view, sel.members(), role, force, "reload", true);
      MemberApi api = ctl.api(t);
      int failed = 0;
      for (MemberNode m : members) {
        try {
          MemberApi.Response r = api.call(m, "POST", "reload", null, MemberApi.DEFAULT_TIMEOUT);
          if (r.status() == 200) {
            term.out.println("No changes to apply on member " + m.name());
          } else if (r.status() == 202) {
            term.out.println("Reload request received for member " + m.name() + " and will be processed within "
                + Members.loopWait(view) + " seconds");
          } else {
            failed++;
            term.err.println("Failed: reload for member " + m.name() + ", status code=" + r.status() + ", ("
                + ManualFailover.oneLine(r.body()) + ")");
          }
        } catch (IOException e) {
          failed++;
          term.err.println("Failed: reload for member " + m.name() + ", " + e.getMessage());
        }
      }
      return failed == 0 ? 0 : 1;
    }
  }
}
