package io.vigil.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigilctl failover}: promote a named replica now (patronictl 3.0.2: with {@code --leader} it is a
 * switchover).
 */
@Command(mixinStandardHelpOptions = true, name = "failover", description = "Failover to a replica")
final class FailoverCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  @Option(names = {"--leader", "--primary", "--master"}, description = "The name of the current leader")
  String leader;

  @Option(names = "--candidate", description = "The name of the candidate") String candidate;

  @Option(names = "--force", description = "Do not ask for confirmation at any point") boolean force;

  @Override
  public Integer call() throws Exception {
    String action = leader != null ? "switchover" : "failover";
    return new ManualFailover(ctl, action).run(clusterName, leader, candidate, force, null);
  }
}
