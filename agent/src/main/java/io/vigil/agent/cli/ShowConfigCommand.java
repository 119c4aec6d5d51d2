package io.vigil.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl show-config}: the dynamic configuration in {@code /config}, as YAML with sorted keys. */
@Command(name = "show-config", description = "Show cluster configuration")
final class ShowConfigCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR))
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  @Override
  public Integer call() throws Exception {
    try (Target t = ctl.target(clusterName)) {
      Map<String, Object> config = t.read().config().map(c -> c.data()).orElse(Map.of());
      System.out.print(config.isEmpty() ? "{}\n" : YAML.writeValueAsString(config));
    }
    return 0;
  }
}
