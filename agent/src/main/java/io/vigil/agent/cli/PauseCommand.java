package io.vigil.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl pause}: maintenance mode, no automatic failover ({@code "pause": true} in {@code /config}). */
@Command(mixinStandardHelpOptions = true, name = "pause", description = "Disable auto failover")
final class PauseCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  @Option(names = "--wait", description = "Wait until pause is applied on all nodes") boolean await;

  @Override
  public Integer call() throws Exception {
    return PauseToggle.run(ctl, clusterName, true, await);
  }
}
