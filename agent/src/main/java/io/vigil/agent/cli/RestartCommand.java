package io.vigil.agent.cli;

import io.vigil.agent.api.ScheduledAt;
import io.vigil.agent.ha.Isoformat;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.MemberNode;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigilctl restart [cluster] [members]}: {@code POST /restart} on each selected member. */
@Command(mixinStandardHelpOptions = true, name = "restart", description = "Restart cluster member")
final class RestartCommand implements Callable<Integer> {

  /** A restart answers when PostgreSQL is up again; allow for a slow start. */
  private static final Duration RESTART_WAIT = Duration.ofMinutes(5);

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..*", paramLabel = "[CLUSTER_NAME] [MEMBER_NAMES]") List<String> words = new ArrayList<>();

  @Option(names = {"-r", "--role"}, defaultValue = "any", description = "Restart only members with this role")
  String role;

  @Option(names = "--any", description = "Restart a single member only") boolean any;

  @Option(names = "--scheduled", description = "Timestamp of a scheduled restart in unambiguous format (e.g. ISO 8601)")
  String scheduled;

  @Option(names = "--pg-version", description = "Restart if the PostgreSQL version is less than provided (e.g. 9.5.2)")
  String version;

  @Option(names = "--pending", description = "Restart if pending") boolean pending;

  @Option(names = "--timeout", description = "Return error and fail over if necessary when restarting takes longer "
      + "than this.") String timeout;

  @Option(names = "--force", description = "Do not ask for confirmation at any point") boolean force;

  @Override
  public Integer call() throws Exception {
    VigilCtl.Selection sel = ctl.positional(words);
    try (Target t = ctl.target(sel.cluster())) {
      ClusterView view = t.read();
      Terminal term = ctl.term;
      List<MemberNode> members = Members.select(term, t.scope, view, sel.members(), role, force, "restart", false);
      if (scheduled == null && !force) {
        String nextHour = LocalDateTime.now().plusHours(1).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"));
        scheduled = term.prompt("When should the restart take place (e.g. " + nextHour + ") ", "now");
      }
      OffsetDateTime at = ManualFailover.parseScheduled(scheduled);
      Members.confirm(term, members, force, "restart", at == null ? null : Isoformat.of(at));
      if (any) {
        members = new ArrayList<>(members);
        Collections.shuffle(members);
        members = members.subList(0, Math.min(1, members.size()));
      }
      if (version == null && !force) {
        version = term.prompt("Restart if the PostgreSQL version is less than provided (e.g. 9.5.2) ", "");
      }
      Map<String, Object> content = new LinkedHashMap<>();
      if (pending) {
        content.put("restart_pending", true);
      }
      if (version != null && !version.isEmpty()) {
        checkVersion(version);
        content.put("postgres_version", version);
      }
      if (at != null) {
        if (Members.paused(view)) {
          throw new CtlException("Can't schedule restart in the paused state");
        }
        content.put("schedule", Isoformat.of(at));
      }
      if (timeout != null) {
        content.put("timeout", timeout);
      }
      MemberApi api = ctl.api(t);
      int failed = 0;
      for (MemberNode m : members) {
        try {
          if (content.containsKey("schedule") && force && m.data().get("scheduled_restart") != null) {
            api.call(m, "DELETE", "restart", null, MemberApi.DEFAULT_TIMEOUT);
          }
          MemberApi.Response r = api.call(m, "POST", "restart", content, RESTART_WAIT);
          switch (r.status()) {
            case 200 -> term.out.println("Success: restart on member " + m.name());
            case 202 -> term.out.println("Success: restart scheduled on member " + m.name());
            case 409 -> {
              failed++;
              term.err.println("Failed: another restart is already scheduled on member " + m.name());
            }
            default -> {
              failed++;
              term.err.println("Failed: restart for member " + m.name() + ", status code=" + r.status() + ", ("
                  + ManualFailover.oneLine(r.body()) + ")");
            }
          }
        } catch (IOException e) {
          failed++;
          term.err.println("Failed: restart for member " + m.name() + ", " + e.getMessage());
        }
      }
      return failed == 0 ? 0 : 1;
    }
  }

  static void checkVersion(String version) {
    String[] parts = version.split("\\.", -1);
    try {
      for (String p : parts) {
        Integer.parseInt(p);
      }
    } catch (NumberFormatException e) {
      throw new CtlException("Invalid PostgreSQL version: " + version);
    }
    if (parts.length < 2 || parts.length == 2 && Integer.parseInt(parts[0]) < 10 || parts.length > 3) {
      throw new CtlException("Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: " + version);
    }
  }
}
