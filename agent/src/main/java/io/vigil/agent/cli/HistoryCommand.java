package io.vigil.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl history}: the timeline switches recorded in {@code /history}. */
@Command(mixinStandardHelpOptions = true, name = "history", description = "Show the history of failovers/switchovers")
final class HistoryCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  @Option(names = {"-f", "--format"}, defaultValue = "pretty", description = "Output format (pretty, tsv, json, yaml)")
  String format;

  @Override
  public Integer call() throws Exception {
    if (!Output.FORMATS.contains(format)) {
      throw CtlException.usage("unknown format " + format + "; use pretty, tsv, json or yaml");
    }
    try (Target t = ctl.target(clusterName)) {
      List<List<Object>> rows = new ArrayList<>();
      for (List<Object> line : t.read().history()) {
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          row.add(i < line.size() && line.get(i) != null ? line.get(i) : "");
        }
        rows.add(row);
      }
      Output.print(ctl.term.out, List.of("TL", "LSN", "Reason", "Timestamp", "New Leader"), rows, Set.of("TL", "LSN"),
          format, null, "\t");
    }
    return 0;
  }
}
