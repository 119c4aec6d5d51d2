package io.vigil.agent.cli;

import io.vigil.dcs.ClusterView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigilctl remove [cluster]}: deletes the cluster's whole ZooKeeper tree after patronictl's three
 * confirmations (the cluster name, {@code Yes I am aware}, and the leader's name while a leader runs).
 */
@Command(mixinStandardHelpOptions = true, name = "remove", description = "Remove cluster from DCS")
final class RemoveCommand implements Callable<Integer> {

  private static final String AWARE = "Yes I am aware";

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  @Option(names = {"-f", "--format"}, defaultValue = "pretty", description = "Output format (pretty, tsv, json, yaml)")
  String format;

  @Override
  public Integer call() throws Exception {
    Terminal term = ctl.term;
    try (Target t = ctl.target(clusterName)) {
      ClusterView view = t.read();
      MembersTable.print(term.out, t.scope, view, false, Output.FORMATS.contains(format) ? format : "pretty");
      if (!term.prompt("Please confirm the cluster name to remove", null).equals(t.scope)) {
        throw new CtlException("Cluster names specified do not match");
      }
      String aware = term.prompt("You are about to remove all information in DCS for " + t.scope
          + ", please type: \"" + AWARE + "\"", null);
      if (!aware.equals(AWARE)) {
        throw new CtlException("You did not exactly type \"" + AWARE + "\"");
      }
      if (view.leader().isPresent()) {
        String leader = term.prompt("This cluster currently is healthy. Please specify the leader name to continue",
            null);
        if (!leader.equals(view.leader().get().name())) {
          throw new CtlException("You did not specify the current leader of the cluster");
        }
      }
      t.dcs().deleteCluster();
    }
    return 0;
  }
}
