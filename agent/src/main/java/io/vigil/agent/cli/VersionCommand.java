package io.vigil.agent.cli;

import io.vigil.agent.daemon.Version;
import io.vigil.dcs.MemberNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl version [cluster [members]]}: the CLI's version, then each member's agent and PostgreSQL version. */
@Command(mixinStandardHelpOptions = true, name = "version", description = "Output version of vigilctl or a running Vigil/Patroni instance")
final class VersionCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..*", paramLabel = "[CLUSTER_NAME] [MEMBER_NAMES]") List<String> words = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    ctl.term.out.println("vigilctl version " + Version.VIGIL);
    if (words.isEmpty()) {
      return 0;
    }
    ctl.term.out.println();
    VigilCtl.Selection sel = new VigilCtl.Selection(words.get(0), words.subList(1, words.size()));
    try (Target t = ctl.target(sel.cluster())) {
      MemberApi api = ctl.api(t);
      for (MemberNode m : t.read().members()) {
        if (m.apiUrl().isEmpty() || !sel.members().isEmpty() && !sel.members().contains(m.name())) {
          continue;
        }
        try {
          Map<String, Object> doc = api.status(m);
          Object agent = doc.get("patroni") instanceof Map<?, ?> p ? p.get("version") : null;
          String pg = doc.get("server_version") instanceof Number v ? " PostgreSQL " + pgVersion(v.intValue()) : "";
          ctl.term.out.println(m.name() + ": Patroni " + agent + pg);
        } catch (Exception e) {
          ctl.term.out.println(m.name() + ": failed to get version: " + e.getMessage());
        }
      }
    }
    return 0;
  }

  static String pgVersion(int v) {
    return v < 100000 ? v / 10000 + "." + v / 100 % 100 + "." + v % 100 : v / 10000 + "." + v % 100;
  }
}
