package io.vigil.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl list}: the members table of patronictl 3.0.2, once or every few seconds. */
@Command(mixinStandardHelpOptions = true, name = "list", description = "List the Patroni members for a given Patroni")
final class ListCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..*", paramLabel = "CLUSTER_NAMES") List<String> clusterNames = new ArrayList<>();

  @Option(names = {"-e", "--extended"}, description = "Show some extra information") boolean extended;

  @Option(names = {"-t", "--timestamp"}, description = "Print timestamp") boolean timestamp;

  @Option(names = {"-f", "--format"}, defaultValue = "pretty", description = "Output format (pretty, tsv, json, yaml)")
  String format;

  @Option(names = "-W", description = "Auto update the screen every 2 seconds") boolean watchEvery2;

  @Option(names = {"-w", "--watch"}, description = "Auto update the screen every X seconds") Double watch;

  @Override
  public Integer call() throws Exception {
    return show(ctl, clusterNames, format, extended, timestamp, watchEvery2, watch);
  }

  static int show(VigilCtl ctl, List<String> clusterNames, String format, boolean extended, boolean timestamp,
                  boolean watchEvery2, Double watch) throws Exception {
    if (!Output.FORMATS.contains(format)) {
      throw CtlException.usage("unknown format " + format + "; use pretty, tsv, json or yaml");
    }
    List<String> names = clusterNames.isEmpty() ? java.util.Collections.singletonList(null) : clusterNames;
    double every = watch != null ? watch : watchEvery2 ? 2 : 0;
    for (String name : names) {
      try (Target t = ctl.target(name)) {
        while (true) {
          if (every > 0 && ctl.term.interactive()) {
            ctl.term.out.print("\033[H\033[2J");
          }
          if (timestamp) {
            ctl.term.out.println(Members.timestamp(0));
          }
          MembersTable.print(ctl.term.out, t.scope, t.read(), extended, format);
          ctl.term.out.flush();
          if (every <= 0) {
            break;
          }
          Thread.sleep(Math.round(every * 1000));
        }
      }
    }
    return 0;
  }
}
