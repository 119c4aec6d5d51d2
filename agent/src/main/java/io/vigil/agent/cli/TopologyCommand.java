package io.vigil.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl topology}: the members table, replicas indented under the member they stream from. */
@Command(mixinStandardHelpOptions = true, name = "topology", description = "Prints ASCII topology for given cluster")
final class TopologyCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..*", paramLabel = "CLUSTER_NAMES") List<String> clusterNames = new ArrayList<>();

  @Option(names = "-W", description = "Auto update the screen every 2 seconds") boolean watchEvery2;

  @Option(names = {"-w", "--watch"}, description = "Auto update the screen every X seconds") Double watch;

  @Override
  public Integer call() throws Exception {
    return ListCommand.show(ctl, clusterNames, "topology", false, false, watchEvery2, watch);
  }
}
