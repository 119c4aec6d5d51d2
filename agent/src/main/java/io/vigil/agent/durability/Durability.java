package io.vigil.agent.durability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vigil.agent.durability.LocalCluster.Member;
import io.vigil.agent.durability.Workload.Attempt;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code vigil durability}: a workload of unique inserts through the read-write endpoint under a schedule of
 * faults, then a check of what survived (docs/durability.md). Exit status 0 when nothing acknowledged was lost and
 * no unexpected row exists, 1 when something was, 2 when the check could not be made.
 */
public final class Durability {

  static final String TABLE = "durability";
  private static final Duration HEAL_TIMEOUT = Duration.ofSeconds(180);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Options o;
  private final PrintStream err;

  private Durability(Options o, PrintStream err) {
    this.o = o;
    this.err = err;
  }

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  /** Runs a check; the report goes to {@code out} (and to {@code --out}), progress to {@code err}. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("vigil durability: " + e.getMessage());
      err.println(Options.USAGE);
      return 2;
    }
    try {
      Map<String, Object> report = new Durability(o, err).check();
      String text = JSON.writeValueAsString(report);
      Path file = o.out() != null ? o.out() : o.dir().resolve("report.json");
      Files.writeString(file, text + "\n");
      out.println(text);
      err.println("report: " + file.toAbsolutePath());
      Object verdict = report.get("verdict");
      return "ok".equals(verdict) ? 0 : "INCOMPLETE".equals(verdict) ? 2 : 1;
    } catch (SetupException e) {
      err.println("vigil durability: " + e.getMessage());
      return 2;
    } catch (IOException | SQLException e) {
      err.println("vigil durability: " + e);
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("vigil durability: interrupted");
      return 2;
    }
  }

  static final class SetupException extends Exception {
    SetupException(String m) {
      super(m);
    }
  }

  private void say(String s) {
    err.println("[" + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "] " + s);
  }

  private Map<String, Object> check() throws IOException, SQLException, InterruptedException, SetupException {
    LocalCluster cluster;
    if (o.external()) {
      say("attaching to the running cluster of " + o.configs());
      cluster = LocalCluster.attach(o.configs(), o.dir());
    } else {
      say("starting a 3-node cluster (" + o.mode() + ", profile " + o.profile() + ") in " + o.dir());
      cluster = LocalCluster.start(o, o.dir());
    }
    Thread hook = new Thread(cluster::close, "durability-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return check(cluster);
    } finally {
      cluster.close();
      Runtime.getRuntime().removeShutdownHook(hook);
    }
  }

  private Map<String, Object> check(LocalCluster cluster)
      throws IOException, SQLException, InterruptedException, SetupException {
    if (!cluster.awaitHealthy(HEAL_TIMEOUT)) {
      throw new SetupException("the cluster did not show one primary and " + (cluster.members.size() - 1)
          + " streaming replicas within " + HEAL_TIMEOUT.toSeconds() + " s; logs in " + cluster.dir);
    }
    Map<String, Object> dcs = cluster.dynamicConfig();
    int ttl = o.external() ? number(dcs.get("ttl"), 30) : o.ttl();
    int loopWait = o.external() ? number(dcs.get("loop_wait"), 10) : o.loopWait();
    int retryTimeout = o.external() ? number(dcs.get("retry_timeout"), 10) : o.retryTimeout();
    String mode = o.external() ? modeOf(dcs) : o.mode();
    boolean synchronous = !mode.equals("async");
    if (synchronous && !awaitSync(cluster)) {
      throw new SetupException("synchronous mode is on but /sync named no synchronous standby within 60 s");
    }
    Map<Fault.Kind, String> impossible = impossibleFaults(cluster);

    Endpoints.HaProxy haproxy = null;
    Workload.Endpoint endpoint;
    Path binary = io.vigil.agent.haproxy.HaProxy.binary().orElse(null);
    Path template = Endpoints.template(o.haproxyTemplate());
    boolean useHaproxy = switch (o.endpoint()) {
      case "haproxy" -> true;
      case "jdbc" -> false;
      default -> binary != null && Files.isReadable(template) && cluster.members.size() == 3;
    };
    if (useHaproxy) {
      if (binary == null) {
        throw new SetupException("--endpoint haproxy: no haproxy binary found (apt-get install haproxy)");
      }
      haproxy = Endpoints.HaProxy.start(binary, template, cluster);
      endpoint = haproxy;
    } else {
      endpoint = Endpoints.jdbc(cluster);
    }
    say("read-write endpoint: " + endpoint.describe());
    try {
      return run(cluster, endpoint, mode, synchronous, ttl, loopWait, retryTimeout, impossible);
    } finally {
      if (haproxy != null) {
        haproxy.close();
      }
    }
  }

  private Map<String, Object> run(LocalCluster cluster, Workload.Endpoint endpoint, String mode, boolean synchronous,
      int ttl, int loopWait, int retryTimeout, Map<Fault.Kind, String> impossible)
      throws IOException, SQLException, InterruptedException, SetupException {
    createTable(cluster);
    int historyBefore = cluster.history().size();
    List<Fault> faults = Nemesis.plan(o.faults(), o.durationS(), loopWait, o.kinds(), o.seed());
    Workload workload = new Workload(endpoint, TABLE, o.clients(), o.rate());
    long t0 = System.nanoTime();
    say("workload: " + o.clients() + " clients, " + o.rate() + " inserts/s, " + o.durationS() + " s; "
        + faults.size() + " faults");
    workload.start(t0);
    Nemesis nemesis = new Nemesis(cluster, ttl, synchronous, impossible, t0, s -> say("fault " + s));
    nemesis.run(faults);
    long remainingMs = o.durationS() * 1000L - (System.nanoTime() - t0) / 1_000_000;
    if (remainingMs > 0) {
      Thread.sleep(remainingMs);
    }
    workload.stop();
    double endS = (System.nanoTime() - t0) / 1e9;
    List<Attempt> attempts = workload.attempts();
    say(String.format("workload stopped after %.1f s: %d attempts; healing the cluster", endS, attempts.size()));

    List<String> healing = cluster.heal();
    boolean healed = cluster.awaitHealthy(HEAL_TIMEOUT);
    say(healed ? "healthy again: one primary, " + (cluster.members.size() - 1) + " streaming replicas"
        : "NOT healthy within " + HEAL_TIMEOUT.toSeconds() + " s; reading from whatever primary there is");
    Optional<Member> primary = cluster.health().primary();
    Set<Long> rows = null;
    List<Map<String, Object>> replicas = new ArrayList<>();
    String readError = null;
    if (primary.isPresent()) {
      try {
        rows = readIds(cluster, primary.get());
        replicas = compareReplicas(cluster, primary.get(), rows);
      } catch (SQLException e) {
        readError = Workload.oneLine(e);
      }
    } else {
      readError = "no primary";
    }

    List<Map<String, Object>> promotions = promotionsSince(historyBefore, cluster.history());

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("mode", mode);
    r.put("profile", o.external() ? "running cluster" : o.profile());
    r.put("ttl", ttl);
    r.put("loop_wait", loopWait);
    r.put("retry_timeout", retryTimeout);
    r.put("cluster", o.external() ? "running cluster: " + o.configs() : "started by the checker in " + cluster.dir);
    r.put("endpoint", endpoint.describe());
    r.put("clients", o.clients());
    r.put("rate_per_s", o.rate());
    r.put("seed", o.seed());
    r.put("duration_s", Report.round(endS));
    Map<String, Object> possible = new LinkedHashMap<>();
    for (Fault.Kind k : Fault.Kind.values()) {
      possible.put(k.id, impossible.containsKey(k) ? "no: " + impossible.get(k) : "yes");
    }
    r.put("faults_possible", possible);
    List<Map<String, Object>> fl = new ArrayList<>();
    for (Fault f : faults) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", f.kind.id);
      m.put("planned_s", f.plannedS);
      m.put("at_s", f.atS);
      m.put("end_s", f.endS);
      m.put("cluster_healthy_before", f.healthyBefore);
      m.put("target", f.target);
      m.put("outcome", f.outcome);
      fl.add(m);
    }
    r.put("faults", fl);
    r.put("healing", Map.of("actions", healing, "healthy", healed));
    r.put("promotions", promotions);
    if (rows == null) {
      Map<String, Object> a = new LinkedHashMap<>();
      attempts.forEach(x -> a.merge(x.outcome().name().toLowerCase(Locale.ROOT), 1, (p, q) -> (int) p + (int) q));
      r.put("attempts", a);
      r.put("verdict", "INCOMPLETE");
      r.put("error", "could not read the table after healing: " + readError);
      writeAttempts(cluster.dir.resolve("attempts.tsv"), attempts, null);
      r.put("attempts_log", cluster.dir.resolve("attempts.tsv").toString());
      return r;
    }
    Report a = Report.analyse(attempts, rows, endS);
    r.put("attempts", a.counts);
    r.put("rows_read", rows.size());
    r.put("lost_acknowledged_count", a.lost.size());
    r.put("lost_acknowledged", a.lost);
    r.put("unexpected_rows_count", a.unexpected.size());
    r.put("unexpected_rows", a.unexpected);
    r.put("unknown_committed", a.unknownCommitted);
    r.put("unknown_not_committed", a.unknownNotCommitted);
    r.put("write_unavailability", a.unavailability());
    r.put("replicas", replicas);
    r.put("errors", Report.errorSummary(attempts));
    writeAttempts(cluster.dir.resolve("attempts.tsv"), attempts, rows);
    r.put("attempts_log", cluster.dir.resolve("attempts.tsv").toString());
    r.put("verdict", !a.lost.isEmpty() ? "LOST WRITES" : !a.unexpected.isEmpty() ? "UNEXPECTED ROWS" : "ok");
    say(String.format("%s: %d ok, %d failed, %d unknown (%d of them committed); lost acknowledged %d, unexpected %d;"
            + " write-unavailability %.1f s in total, longest %.1f s", r.get("verdict"), a.counts.get("ok"),
        a.counts.get("failed"), a.counts.get("unknown"), a.unknownCommitted, a.lost.size(), a.unexpected.size(),
        a.totalGapS(), a.longestGapS()));
    return r;
  }

  /** Which fault kinds this cluster allows: a running cluster's agents must be found through /proc. */
  private Map<Fault.Kind, String> impossibleFaults(LocalCluster cluster) {
    Map<Fault.Kind, String> out = new EnumMap<>(Fault.Kind.class);
    if (!cluster.owned) {
      List<String> noAgent = cluster.members.stream().filter(m -> cluster.agentPid(m).isEmpty() || m.command == null)
          .map(m -> m.name).toList();
      if (!noAgent.isEmpty()) {
        String why = "no agent process (a java process whose arguments name the configuration file) found for "
            + noAgent;
        out.put(Fault.Kind.KILL9, why);
        out.put(Fault.Kind.SIGSTOP, why);
      }
      List<String> noPm = cluster.members.stream().filter(m -> cluster.postmasterPid(m).isEmpty())
          .map(m -> m.name).toList();
      if (!noPm.isEmpty()) {
        out.put(Fault.Kind.POSTMASTER, "no live postmaster in data_dir/postmaster.pid of " + noPm);
      }
    }
    return out;
  }

  private boolean awaitSync(LocalCluster cluster) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (!cluster.syncStandbys().isEmpty()) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  private void createTable(LocalCluster cluster) throws SQLException, SetupException {
    Member p = cluster.health().primary().orElseThrow(() -> new SetupException("no primary to create the table on"));
    try (Connection c = cluster.connect(p); Statement s = c.createStatement()) {
      if (o.external()) {
        try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
          rs.next();
          if (rs.getBoolean(1)) {
            throw new SetupException("table " + TABLE + " exists in the running cluster (an earlier check?);"
                + " drop it first: the check needs an empty table of its own");
          }
        }
      }
      s.execute("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, at timestamptz NOT NULL)");
    }
  }

  private static Set<Long> readIds(LocalCluster cluster, Member primary) throws SQLException {
    Set<Long> ids = new HashSet<>();
    try (Connection c = cluster.connect(primary); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM " + TABLE)) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  /** Every replica, once it has replayed the primary's current position, holds exactly the primary's ids. */
  private static List<Map<String, Object>> compareReplicas(LocalCluster cluster, Member primary, Set<Long> ids)
      throws InterruptedException {
    String lsn;
    try (Connection c = cluster.connect(primary); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
      rs.next();
      lsn = rs.getString(1);
    } catch (SQLException e) {
      return List.of(Map.of("error", "primary: " + Workload.oneLine(e)));
    }
    long expectSum = ids.stream().mapToLong(Long::longValue).sum();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Member m : cluster.members) {
      if (m == primary) {
        continue;
      }
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", m.name);
      long deadline = System.currentTimeMillis() + 30_000;
      String error = "did not replay " + lsn + " within 30 s";
      while (System.currentTimeMillis() < deadline) {
        try (Connection c = cluster.connect(m); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn")) {
          rs.next();
          if (rs.getBoolean(1)) {
            try (ResultSet cnt = s.executeQuery("SELECT count(*), coalesce(sum(id), 0) FROM " + TABLE)) {
              cnt.next();
              e.put("rows", cnt.getLong(1));
              e.put("same_as_primary", cnt.getLong(1) == ids.size() && cnt.getLong(2) == expectSum);
            }
            error = null;
            break;
          }
        } catch (SQLException x) {
          error = Workload.oneLine(x);
        }
        Thread.sleep(250);
      }
      if (error != null) {
        e.put("error", error);
      }
      out.add(e);
    }
    return out;
  }

  private static void writeAttempts(Path file, List<Attempt> attempts, Set<Long> rows) throws IOException {
    try (Writer w = Files.newBufferedWriter(file)) {
      w.write("id\tclient\tstart_s\tend_s\toutcome\tin_table\terror\n");
      for (Attempt a : attempts) {
        w.write(String.format(Locale.ROOT, "%d\t%d\t%.3f\t%.3f\t%s\t%s\t%s%n", a.id(), a.client(), a.startNs() / 1e9,
            a.endNs() / 1e9, a.outcome().name().toLowerCase(Locale.ROOT),
            rows == null ? "?" : rows.contains(a.id()) ? "yes" : "no", a.error() == null ? "" : a.error()));
      }
    }
  }

  private static int number(Object v, int dflt) {
    if (v instanceof Number n) {
      return n.intValue();
    }
    try {
      return v == null ? dflt : Integer.parseInt(v.toString());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  private static String modeOf(Map<String, Object> dcs) {
    String sync = String.valueOf(dcs.get("synchronous_mode")).toLowerCase(Locale.ROOT);
    String strict = String.valueOf(dcs.get("synchronous_mode_strict")).toLowerCase(Locale.ROOT);
    boolean on = Set.of("true", "on", "yes", "1", "quorum").contains(sync);
    boolean st = Set.of("true", "on", "yes", "1").contains(strict);
    return !on ? "async" : st ? "strict" : "sync";
  }

  /**
   * The promotions during the run as {@code /history} records them: the timeline each one ended, where, and the
   * reason, which carries what the promotion cost (time to writable, bytes at risk; docs/replication.md).
   */
  private static List<Map<String, Object>> promotionsSince(int before, List<List<Object>> history) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (List<Object> line : history.subList(Math.min(before, history.size()), history.size())) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("timeline_ended", line.size() > 0 ? line.get(0) : null);
      m.put("lsn", line.size() > 1 ? line.get(1) : null);
      m.put("reason", line.size() > 2 ? line.get(2) : null);
      m.put("new_leader", line.size() > 4 ? line.get(4) : null);
      out.add(m);
    }
    return out;
  }
}
