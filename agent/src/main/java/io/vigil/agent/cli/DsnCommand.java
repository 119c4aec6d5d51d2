package io.vigil.agent.cli;

import io.vigil.dcs.MemberNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl dsn}: {@code host=<h> port=<p>} of the leader, of a member in a role, or of a named member. */
@Command(mixinStandardHelpOptions = true, name = "dsn", description = "Generate a dsn for the provided member, defaults to a dsn of the leader")
final class DsnCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  @Option(names = {"-r", "--role"}, description = "Give a dsn of any member with this role") String role;

  @Option(names = {"-m", "--member"}, description = "Generate a dsn for this member") String member;

  @Override
  public Integer call() throws Exception {
    if (role != null && member != null) {
      throw CtlException.usage("--role and --member are mutually exclusive options");
    }
    try (Target t = ctl.target(clusterName)) {
      MemberNode m = Members.any(t.read(), role, member)
          .orElseThrow(() -> new CtlException("Can not find a suitable member"));
      var address = m.pgAddress().orElseThrow(() -> new CtlException("Can not find a suitable member"));
      ctl.term.out.println("host=" + address.host() + " port=" + address.port());
    }
    return 0;
  }
}
