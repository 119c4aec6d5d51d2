package io.vigil.sim;

import io.vigil.agent.ha.AgentMemory;
import io.vigil.agent.ha.Decision;
import io.vigil.agent.ha.FailsafeLeader;
import io.vigil.agent.ha.FailsafeRound;
import io.vigil.agent.ha.LocalPg;
import io.vigil.agent.ha.NodeSettings;
import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.PeerStatus;
import io.vigil.agent.ha.RestartConditions;
import io.vigil.agent.ha.Rule;
import io.vigil.agent.ha.ScheduledRestart;
import io.vigil.config.ConfigException;
import io.vigil.config.DynamicConfig;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.MemberNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of the agent process on a node: the daemon's HaLoop, Observer and publishing, driven by
 * events instead of a thread. A cycle reads ZooKeeper (retried up to retry_timeout), looks at the local
 * PostgreSQL, polls the peers only when the leader key is missing or a switchover is pending, decides
 * with the unchanged HA core, carries out the actions and publishes the result. The next cycle runs at
 * once when an action asked for it (at most 20 in a row), else {@code loop_wait} after the previous one
 * started on the node's wall clock, or earlier when a ZooKeeper watch, a connection change or the exit
 * of the watched postmaster wakes the loop.
 */
final class SimAgent {

  private static final int MAX_IMMEDIATE_CYCLES = 20;

  final SimNode node;
  final SimDcsClient dcs;
  final SimPublishedStatus published;
  private final SimCluster cluster;
  private final SimSettings settings;
  /** The local settings with the dynamic configuration as last adopted from {@code /config}. */
  private NodeSettings nodeSettings;
  private Map<String, Object> appliedDynamic;
  private final DecisionCore core;
  private final SimExecutor executor;
  final SimGuardian guardian;
  private AgentMemory memory = AgentMemory.initial();
  /** An operator's scheduled restart waiting for the next cycle: due this long after it (-1 = none). */
  private long restartRequestedInMs = -1;
  private boolean wakeRequested;
  private boolean sleeping;
  private long sleepToken;
  private long sleepUntilNodeMillis;
  private int immediate;
  private long cycleStartedNodeMillis;
  private Rule lastRule;
  /** The ZooKeeper session of the observation the last decision was made on. */
  private long decidedInSession;
  /** The last {@code POST /failsafe} this agent accepted (FailsafeState). */
  private Optional<FailsafeLeader> failsafeLeader = Optional.empty();
  /** {@code /failsafe} as last read or written: whom a failsafe round asks (the daemon's FailsafeState). */
  private Optional<Map<String, String>> lastFailsafe = Optional.empty();
  /** The observation of the last finished cycle (HaLoop.lastObservation), which POST /failsafe looks at. */
  private Optional<Observation> lastObservation = Optional.empty();

  SimAgent(SimNode node, SimCluster cluster, SimSettings settings, NodeSettings nodeSettings, DecisionCore core) {
    this.node = node;
    this.cluster = cluster;
    this.settings = settings;
    this.nodeSettings = nodeSettings;
    this.appliedDynamic = nodeSettings.dynamic().raw();
    this.core = core;
    this.dcs = cluster.newDcsClient(this);
    this.published = new SimPublishedStatus(dcs::lastContactMillis, settings.livenessTimeoutMs());
    this.executor = new SimExecutor(this, cluster);
    this.guardian = new SimGuardian(this, cluster, cluster.options().fence(), cluster.options().watchdogMode());
  }

  /** The ZooKeeper session of the observation behind the actions being carried out (or last carried out). */
  long decidedInSession() {
    return decidedInSession;
  }

  /** When the current cycle's observation began (the start of its ZooKeeper read), on the monotonic clock. */
  long observedAt() {
    return cycleStartedNodeMillis;
  }

  /**
   * ActionExecutor.confirmedAt: the guards' deadline counts from the start of the cycle's ZooKeeper read or, for a
   * primary kept running by failsafe, from the start of the round every member accepted.
   */
  long confirmedAt(Observation o) {
    return o.keepsPrimaryOnFailsafe() ? o.failsafeRound().orElseThrow().startedAtMonotonic() : cycleStartedNodeMillis;
  }

  /** ActionExecutor.onFailsafeWritten: the write succeeded, so the next round asks these members. */
  void failsafeWritten(Map<String, String> members) {
    lastFailsafe = Optional.of(Map.copyOf(members));
  }

  /** NodeControl.failsafe: the answer to a {@code POST /failsafe} from {@code from}, remembered when accepted. */
  AgentControlAnswer answerFailsafe(String from) {
    boolean mode = nodeSettings.dynamic().failsafeMode();
    boolean primary = lastObservation.map(o -> o.pg().running() && o.pg().isPrimary()).orElse(false);
    if (!mode) {
      return AgentControlAnswer.OFF;
    }
    if (primary) {
      return AgentControlAnswer.LEADER;
    }
    failsafeLeader = Optional.of(new FailsafeLeader(from, "http://" + from + ":8008/patroni", "", node.nowMillis()));
    return AgentControlAnswer.ACCEPTED;
  }

  /** What POST /failsafe answered: 502 (off), 500 (running as a leader) or 200 Accepted. */
  enum AgentControlAnswer { OFF, LEADER, ACCEPTED }

  /** The rule of this agent's latest decision. */
  Rule lastRule() {
    return lastRule;
  }

  String name() {
    return node.name;
  }

  void start() {
    later(0, this::cycle);
  }

  /** Schedules work of this agent process: dropped if it dies, held back while it is frozen. */
  void later(long delay, Runnable action) {
    node.agentEvent(this, delay, action);
  }

  void traceEvent(String text) {
    cluster.trace(node.name, text);
  }

  /** HaLoop.wakeUp: a sleeping loop runs a cycle now; a busy one runs another right after this one. */
  void wakeUp() {
    wakeRequested = true;
    if (sleeping) {
      sleeping = false;
      wakeRequested = false;
      later(0, this::cycle);
    }
  }

  /** The wall clock was stepped: the loop sleeps until its deadline on the new clock. */
  void clockStepped() {
    if (sleeping) {
      scheduleWake();
    }
  }

  private void sleep(long millis) {
    sleeping = true;
    sleepUntilNodeMillis = node.monotonicMillis() + millis;
    scheduleWake();
  }

  private void scheduleWake() {
    long token = ++sleepToken;
    later(Math.max(0, sleepUntilNodeMillis - node.monotonicMillis()), () -> {
      if (sleeping && token == sleepToken) {
        sleeping = false;
        wakeRequested = false;
        cycle();
      }
    });
  }

  /** An operator schedules a restart of this node's PostgreSQL {@code inMs} from the next cycle. */
  void requestRestart(long inMs) {
    restartRequestedInMs = inMs;
  }

  private void cycle() {
    cycleStartedNodeMillis = node.monotonicMillis();
    dcs.read(result -> {
      Optional<ClusterView> view = result.failed() ? Optional.empty() : Optional.of(result.value());
      Optional<String> error = Optional.ofNullable(result.error());
      LocalPg local = node.pg.observe();
      if (local.running()) {
        node.pg.watchPostmaster(() -> later(0, this::wakeUp));
      }
      view.ifPresent(v -> lastFailsafe = v.failsafe());
      if (view.isEmpty() && local.running() && local.isPrimary() && nodeSettings.dynamic().failsafeMode()
          && !nodeSettings.dynamic().pause()) {
        // Observer: the read failed on a primary with failsafe mode on, so ask every member of the last /failsafe.
        long startedAt = node.monotonicMillis();
        cluster.failsafeRound(this, lastFailsafe, round -> decide(view, error, local, List.of(), Optional.of(round)),
            startedAt);
        return;
      }
      boolean race = view.isPresent() && view.get().leader().isEmpty() && local.running();
      boolean manualFailover = view.isPresent() && view.get().failover().isPresent();
      if ((race || manualFailover) && local.dataDir() == LocalPg.DataDir.INITIALIZED) {
        List<MemberNode> others = io.vigil.agent.ha.LeaderRace.candidates(view.get(), nodeSettings);
        cluster.pollPeers(this, others, peers -> decide(view, error, local, peers, Optional.empty()));
      } else {
        decide(view, error, local, List.of(), Optional.empty());
      }
    });
  }

  private void decide(Optional<ClusterView> view, Optional<String> error, LocalPg local, List<PeerStatus> peers,
      Optional<FailsafeRound> round) {
    adoptDynamicConfig(view);
    // As the daemon's Observer: the guards are looked at last, after the read, PostgreSQL and the peers.
    Observation o = new Observation(node.nowMillis(), view, error, dcs.sessionId(), local, peers, nodeSettings,
        guardian.observe(), round, failsafeLeader);
    if (restartRequestedInMs >= 0 && memory.scheduledRestart().isEmpty()) {
      // POST /restart with a schedule, taken between cycles as the daemon does
      long at = o.nowMillis() + restartRequestedInMs;
      memory = memory.withScheduledRestart(Optional.of(new ScheduledRestart(at, Map.of("schedule", "node ms " + at),
          RestartConditions.NONE, local.status().map(s -> s.postmasterStartTime()))));
      cluster.trace(node.name, "operator scheduled a restart at node ms " + at);
    }
    restartRequestedInMs = -1;
    Decision d = core.decide(o, memory);
    if (d.acts() || d.rule() != lastRule) {
      cluster.traceDecision(node.name, o, d);
    }
    lastRule = d.rule();
    decidedInSession = o.mySession();
    if (d.acts()) {
      // Health checks see what was observed (e.g. PostgreSQL gone) before slow actions run.
      published.publish(o, cycleStartedNodeMillis, d.memory().pgState(), settings.ttlMs(), 0);
    }
    executor.execute(d, o, outcome -> finishCycle(o, outcome));
  }

  /** HaLoop.adoptDynamicConfig: {@code /config} wins over {@code bootstrap.dcs} once it exists; a bad one is ignored. */
  private void adoptDynamicConfig(Optional<ClusterView> view) {
    Optional<Map<String, Object>> dcsConfig = view.flatMap(ClusterView::config).map(c -> c.data())
        .filter(m -> !m.isEmpty());
    if (dcsConfig.isEmpty() || dcsConfig.get().equals(appliedDynamic)) {
      return;
    }
    try {
      nodeSettings = nodeSettings.withDynamic(DynamicConfig.fromMap(dcsConfig.get()));
    } catch (ConfigException e) {
      cluster.trace(node.name, "ignoring the new /config: " + e.getMessage());
    }
    appliedDynamic = dcsConfig.get();
  }

  private void finishCycle(Observation o, SimExecutor.Outcome outcome) {
    memory = outcome.memory();
    lastObservation = Optional.of(o);
    published.publish(o, cycleStartedNodeMillis, memory.pgState(), settings.ttlMs(),
        o.keepsPrimaryOnFailsafe() && memory.failsafeActive()
            ? o.failsafeRound().orElseThrow().startedAtMonotonic() + settings.ttlMs() : 0);
    if (outcome.exit().isPresent()) {
      cluster.agentExited(node, this, outcome.exit().get());
      return;
    }
    boolean again = outcome.runAgainNow();
    immediate = again ? immediate + 1 : 0;
    if (again && immediate < MAX_IMMEDIATE_CYCLES) {
      later(0, this::cycle);
      return;
    }
    long wait = cycleStartedNodeMillis + settings.loopWaitMs() - node.monotonicMillis();
    if (wait <= 0) {
      // "loop time exceeded, rescheduling immediately": a pending wake-up stays pending.
      later(0, this::cycle);
      return;
    }
    if (wakeRequested) {
      // A watch fired during the cycle: the sleep returns at once.
      wakeRequested = false;
      later(0, this::cycle);
      return;
    }
    sleep(wait);
  }
}
