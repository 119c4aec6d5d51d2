package io.vigil.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl switchover}: hand the leader role to a healthy replica, now or at a scheduled time. */
@Command(mixinStandardHelpOptions = true, name = "switchover", description = "Switchover to a replica")
final class SwitchoverCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  @Option(names = {"--leader", "--primary", "--master"}, description = "The name of the current leader")
  String leader;

  @Option(names = "--candidate", description = "The name of the candidate") String candidate;

  @Option(names = "--scheduled", description = "Timestamp of a scheduled switchover in unambiguous format (e.g. ISO 8601)")
  String scheduled;

  @Option(names = "--force", description = "Do not ask for confirmation at any point") boolean force;

  @Override
  public Integer call() throws Exception {
    return new ManualFailover(ctl, "switchover").run(clusterName, leader, candidate, force, scheduled);
  }
}
