package io.vigil.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl resume}: leave maintenance mode ({@code "pause"} removed from {@code /config}). */
@Command(mixinStandardHelpOptions = true, name = "resume", description = "Resume auto failover")
final class ResumeCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  @Option(names = "--wait", description = "Wait until pause is cleared on all nodes") boolean await;

  @Override
  public Integer call() throws Exception {
    return PauseToggle.run(ctl, clusterName, false, await);
  }
}
