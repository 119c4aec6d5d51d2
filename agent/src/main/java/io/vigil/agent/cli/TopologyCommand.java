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

/** {@code vigilctl topology}: the same table, replicas indented under the member they stream from. */
@Command(name = "topology", description = "Prints ASCII topology for given cluster")
final class TopologyCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  @Override
  public Integer call() throws Exception {
    try (Target t = ctl.target(clusterName)) {
      System.out.println(MembersTable.render(t.scope, t.read(), true));
    }
    return 0;
  }
}
