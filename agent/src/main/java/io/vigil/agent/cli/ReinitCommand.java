package io.vigil.agent.cli;

import io.vigil.dcs.MemberNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigilctl reinit [cluster] <member>...}: {@code POST /reinitialize}; with {@code --wait}, follows each
 * member's {@code GET /patroni} until it runs again on a new postmaster.
 */
@Command(mixinStandardHelpOptions = true, name = "reinit", description = "Reinitialize cluster member")
final class ReinitCommand implements Callable<Integer> {

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration MAX_WAIT = Duration.ofMinutes(30);

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..*", paramLabel = "[CLUSTER_NAME] MEMBER_NAMES") List<String> words = new ArrayList<>();

  @Option(names = "--force", description = "Do not ask for confirmation at any point") boolean force;

  @Option(names = "--wait", description = "Wait until reinitialization completes") boolean await;

  @Override
  public Integer call() throws Exception {
    VigilCtl.Selection sel = ctl.positional(words);
    if (force && sel.members().isEmpty()) {
      throw CtlException.usage("reinit --force needs the name of the member to reinitialize");
    }
    try (Target t = ctl.target(sel.cluster())) {
      Terminal term = ctl.term;
      List<MemberNode> members = Members.select(term, t.scope, t.read(), sel.members(), null, force, "reinitialize",
          true);
      MemberApi api = ctl.api(t);
      Map<MemberNode, Object> waitOn = new LinkedHashMap<>();
      int failed = 0;
      for (MemberNode m : members) {
        Object startedAt = startTime(api, m);
        boolean started = false;
        boolean forced = force;
        while (true) {
          MemberApi.Response r;
          try {
            r = api.call(m, "POST", "reinitialize", Map.of("force", forced), Duration.ofMinutes(2));
          } catch (IOException e) {
            term.err.println("Failed: reinitialize for member " + m.name() + ", " + e.getMessage());
            break;
          }
          started = r.status() < 400;
          if (started) {
            term.out.println("Success: reinitialize for member " + m.name());
            break;
          }
          term.err.println("Failed: reinitialize for member " + m.name() + ", status code=" + r.status() + ", ("
              + ManualFailover.oneLine(r.body()) + ")");
          if (r.body().endsWith(" already in progress") && !forced
              && term.confirm("Do you want to cancel it and reinitialize anyway?")) {
            forced = true;
            continue;
          }
          break;
        }
        if (!started) {
          failed++;
        } else if (await) {
          waitOn.put(m, startedAt);
        }
      }
      if (!waitOn.isEmpty()) {
        failed += await(api, waitOn);
      }
      return failed == 0 ? 0 : 1;
    }
  }

  /** Until each member runs on a postmaster started after the request (patronictl: state ≠ creating replica). */
  private int await(MemberApi api, Map<MemberNode, Object> waitOn) throws InterruptedException {
    Terminal term = ctl.term;
    term.out.println("Waiting for reinitialize to complete on: "
        + waitOn.keySet().stream().map(MemberNode::name).collect(Collectors.joining(", ")));
    long deadline = System.nanoTime() + MAX_WAIT.toNanos();
    while (!waitOn.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(POLL.toMillis());
      for (MemberNode m : new ArrayList<>(waitOn.keySet())) {
        try {
          Map<String, Object> doc = api.status(m);
          if ("running".equals(doc.get("state"))
              && !Objects.equals(doc.get("postmaster_start_time"), waitOn.get(m))) {
            term.out.println("Reinitialize is completed on: " + m.name());
            waitOn.remove(m);
          }
        } catch (IOException notYet) {
          // the member restarts its PostgreSQL; keep asking
        }
      }
    }
    waitOn.keySet().forEach(m -> term.err.println("Failed: reinitialize did not complete on " + m.name()));
    return waitOn.size();
  }

  private static Object startTime(MemberApi api, MemberNode m) {
    try {
      return api.status(m).get("postmaster_start_time");
    } catch (IOException e) {
      return null;
    }
  }
}
