package io.vigil.agent.durability;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.durability.LocalCluster.Member;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Injects the fault schedule into the cluster, one fault after the other: fault i is planned at
 * {@code duration × (i+1)/(N+1)} plus a seeded delay in [0, loop_wait) (so faults land at any phase of the agents'
 * HA loop), and runs no earlier than the previous fault's end and, waited for up to 60 s, than the moment the
 * cluster is healthy again (one primary, every other member a streaming replica). Every fault targets the current leader (the holder
 * of the leader lock in ZooKeeper whose REST API answers {@code /primary} with 200), waited for up to 30 s.
 */
final class Nemesis {

  private static final long WAIT_FOR_TARGET_MS = 30_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalCluster cluster;
  private final int ttl;
  private final boolean synchronous;
  private final Map<Fault.Kind, String> impossible;
  private final long t0;
  private final Consumer<String> log;

  Nemesis(LocalCluster cluster, int ttl, boolean synchronous, Map<Fault.Kind, String> impossible, long t0,
      Consumer<String> log) {
    this.cluster = cluster;
    this.ttl = ttl;
    this.synchronous = synchronous;
    this.impossible = impossible;
    this.t0 = t0;
    this.log = log;
  }

  static List<Fault> plan(int n, int durationS, int loopWait, List<Fault.Kind> kinds, long seed) {
    Random r = new Random(seed);
    List<Fault> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double at = durationS * (i + 1.0) / (n + 1.0) + r.nextDouble() * loopWait;
      out.add(new Fault(kinds.get(i % kinds.size()), Math.round(at * 10) / 10.0));
    }
    return out;
  }

  void run(List<Fault> faults) throws InterruptedException, IOException {
    for (Fault f : faults) {
      sleepUntil(f.plannedS);
      // each fault starts from a healthy cluster when there is one within a minute, so faults do not pile up
      f.healthyBefore = cluster.awaitHealthy(Duration.ofSeconds(60));
      f.atS = now();
      String why = impossible.get(f.kind);
      if (why != null) {
        f.outcome = "skipped: " + why;
        f.endS = f.atS;
        log.accept(String.format("%6.1f s  %-10s skipped: %s", f.atS, f.kind.id, why));
        continue;
      }
      Optional<Member> leader = awaitLeader();
      if (leader.isEmpty()) {
        f.outcome = "skipped: no member held the leader lock and answered /primary with 200 within 30 s";
        f.endS = now();
        log.accept(String.format("%6.1f s  %-10s %s", f.atS, f.kind.id, f.outcome));
        continue;
      }
      Member m = leader.get();
      f.target = m.name;
      f.atS = now();
      log.accept(String.format("%6.1f s  %-10s leader %s", f.atS, f.kind.id, m.name));
      switch (f.kind) {
        case KILL9 -> kill9(f, m);
        case POSTMASTER -> postmaster(f, m);
        case SIGSTOP -> sigstop(f, m);
        case SWITCHOVER -> switchover(f, m);
      }
      if (f.endS < 0) {
        f.endS = now();
      }
      log.accept(String.format("%6.1f s  %-10s %s", f.endS, f.kind.id, f.outcome));
    }
  }

  private void kill9(Fault f, Member m) throws InterruptedException, IOException {
    Optional<Long> agent = cluster.agentPid(m);
    Optional<Long> pm = cluster.postmasterPid(m);
    if (agent.isEmpty()) {
      f.outcome = "skipped: no agent process found for " + m.name;
      return;
    }
    LocalCluster.signal(agent.get(), "KILL");
    LocalCluster.awaitGone(agent.get(), 10_000);
    pm = pm.or(() -> cluster.postmasterPid(m));
    pm.ifPresent(pid -> LocalCluster.signal(pid, "KILL"));
    if (pm.isPresent()) {
      LocalCluster.awaitGone(pm.get(), 10_000);
    }
    String killed = "kill -9 of agent pid " + agent.get() + (pm.isPresent() ? " and postmaster pid " + pm.get()
        : " (no postmaster was running)");
    Thread.sleep((ttl + 5) * 1000L);
    cluster.startAgent(m);
    f.endS = now();
    f.outcome = killed + "; agent started again at " + String.format("%.1f s", f.endS);
  }

  private void postmaster(Fault f, Member m) throws InterruptedException {
    Optional<Long> pm = cluster.postmasterPid(m);
    if (pm.isEmpty()) {
      f.outcome = "skipped: no postmaster running for " + m.name;
      return;
    }
    LocalCluster.signal(pm.get(), "KILL");
    LocalCluster.awaitGone(pm.get(), 10_000);
    f.outcome = "kill -9 of postmaster pid " + pm.get();
  }

  private void sigstop(Fault f, Member m) throws InterruptedException {
    Optional<Long> agent = cluster.agentPid(m);
    if (agent.isEmpty()) {
      f.outcome = "skipped: no agent process found for " + m.name;
      return;
    }
    m.stopped = true;
    LocalCluster.signal(agent.get(), "STOP");
    Thread.sleep((ttl + 5) * 1000L);
    LocalCluster.signal(agent.get(), "CONT");
    m.stopped = false;
    f.endS = now();
    f.outcome = "SIGSTOP of agent pid " + agent.get() + " for " + (ttl + 5) + " s, then SIGCONT";
  }

  private void switchover(Fault f, Member leader) throws InterruptedException, IOException {
    long deadline = System.currentTimeMillis() + WAIT_FOR_TARGET_MS;
    Optional<Member> candidate = Optional.empty();
    while (candidate.isEmpty() && System.currentTimeMillis() < deadline) {
      List<String> sync = cluster.syncStandbys();
      candidate = cluster.members.stream().filter(c -> c != leader)
          .filter(c -> !synchronous || sync.contains(c.name))
          .filter(c -> cluster.rest(c, "GET", "/replica") == 200).findFirst();
      if (candidate.isEmpty()) {
        Thread.sleep(250);
      }
    }
    if (candidate.isEmpty()) {
      f.outcome = "skipped: no " + (synchronous ? "synchronous standby" : "replica")
          + " answered /replica with 200 within 30 s";
      return;
    }
    Map<String, String> body = new LinkedHashMap<>();
    body.put("leader", leader.name);
    body.put("candidate", candidate.get().name);
    f.target = leader.name + " -> " + candidate.get().name;
    Optional<HttpResponse<String>> r = cluster.restCall(leader, "POST", "/switchover", JSON.writeValueAsString(body));
    f.outcome = r.map(x -> "POST /switchover: " + x.statusCode() + " " + x.body().replaceAll("\\s+", " ").trim())
        .orElse("POST /switchover: no answer from " + leader.name);
  }

  private Optional<Member> awaitLeader() throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_FOR_TARGET_MS;
    while (System.currentTimeMillis() < deadline) {
      Optional<Member> m = cluster.leader().flatMap(cluster::member)
          .filter(x -> cluster.rest(x, "GET", "/primary") == 200);
      if (m.isPresent()) {
        return m;
      }
      Thread.sleep(250);
    }
    return Optional.empty();
  }

  private double now() {
    return Math.round((System.nanoTime() - t0) / 1e8) / 10.0;
  }

  private void sleepUntil(double s) throws InterruptedException {
    long ms = (long) ((s - (System.nanoTime() - t0) / 1e9) * 1000);
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }
}
