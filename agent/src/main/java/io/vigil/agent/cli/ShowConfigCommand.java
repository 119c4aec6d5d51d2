package io.vigil.agent.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl show-config}: the dynamic configuration in {@code /config}, as YAML with sorted keys. */
@Command(mixinStandardHelpOptions = true, name = "show-config", description = "Show cluster configuration")
final class ShowConfigCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  @Override
  public Integer call() throws Exception {
    try (Target t = ctl.target(clusterName)) {
      Map<String, Object> config = t.read().config().map(c -> c.data()).orElse(Map.of());
      ctl.term.out.print(Yaml.dump(config));
    }
    return 0;
  }
}
