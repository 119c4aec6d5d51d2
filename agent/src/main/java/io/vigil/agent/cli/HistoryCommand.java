package io.vigil.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl history}: the timeline switches recorded in {@code /history}. */
@Command(name = "history", description = "Show the history of failovers/switchovers")
final class HistoryCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  @Override
  public Integer call() throws Exception {
    try (Target t = ctl.target(clusterName)) {
      Table table = new Table(List.of("TL", "LSN", "Reason", "Timestamp", "New Leader"), Set.of("TL", "LSN"));
      for (List<Object> line : t.read().history()) {
        List<String> row = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          row.add(i < line.size() && line.get(i) != null ? line.get(i).toString() : "");
        }
        table.add(row);
      }
      System.out.println(table.render(null));
    }
    return 0;
  }
}
