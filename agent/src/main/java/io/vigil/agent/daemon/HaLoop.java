package io.vigil.agent.daemon;

import io.vigil.agent.ha.Action;
import io.vigil.agent.ha.AgentMemory;
import io.vigil.agent.ha.Decision;
import io.vigil.agent.ha.Fencing;
import io.vigil.agent.ha.HaCore;
import io.vigil.agent.ha.NodeSettings;
import io.vigil.agent.ha.Observation;
import io.vigil.config.ConfigException;
import io.vigil.config.DynamicConfig;
import io.vigil.dcs.ConfigNode;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HA loop: observe, decide, act, publish; then sleep until {@code loop_wait} has passed or a
 * ZooKeeper watch (or any other wake-up) asks for a cycle now.
 */
final class HaLoop implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(HaLoop.class);
  /** Cycles run back to back after an action; the cap stops a failing action from spinning. */
  private static final int MAX_IMMEDIATE_CYCLES = 20;

  private final Observer observer;
  private final ActionExecutor executor;
  private final PublishedStatus published;
  private final DecisionLog decisions;
  private final Clock clock;
  private final Object wakeLock = new Object();
  private final Object cycleLock = new Object();
  private final CompletableFuture<Action.Exit> exit = new CompletableFuture<>();
  private volatile boolean stopping;
  private boolean wakeRequested;
  private NodeSettings settings;
  private Map<String, Object> appliedDynamic;
  private Optional<String> failsafeTimingWarned = Optional.empty();
  private Optional<String> standbyClusterWarned = Optional.empty();
  private AgentMemory memory = AgentMemory.initial();
  private Observation last;
  /** {@link #last} and {@link #settings} for readers that must not wait for a cycle (POST /failsafe). */
  private volatile Observation lastPublished;
  private volatile NodeSettings settingsPublished;
  private volatile java.util.function.Consumer<Observation> observed = o -> { };

  HaLoop(Observer observer, ActionExecutor executor, PublishedStatus published, DecisionLog decisions,
      NodeSettings settings, Clock clock) {
    this.observer = observer;
    this.executor = executor;
    this.published = published;
    this.decisions = decisions;
    this.settings = settings;
    this.appliedDynamic = settings.dynamic().raw();
    this.clock = clock;
    this.settingsPublished = settings;
  }

  /**
   * The last finished cycle's observation and the settings as of now, without waiting for a running cycle: a replica
   * whose cycle waits retry_timeout on a ZooKeeper read must still answer a primary's POST /failsafe within 2 s.
   */
  Optional<Observation> lastObservationNow() {
    return Optional.ofNullable(lastPublished);
  }

  NodeSettings settingsNow() {
    return settingsPublished;
  }

  /** Completes when a decision requires the agent to stop. */
  CompletableFuture<Action.Exit> exit() {
    return exit;
  }

  /** Told each cycle's observation once the cycle is done (e.g. to arm the walsender watch on a primary). */
  void onObservation(java.util.function.Consumer<Observation> listener) {
    observed = listener;
  }

  void wakeUp() {
    synchronized (wakeLock) {
      wakeRequested = true;
      wakeLock.notifyAll();
    }
  }

  void stop() {
    stopping = true;
    wakeUp();
  }

  /** Runs {@code work} between cycles, so it never interleaves with a decision being carried out. */
  <T> T betweenCycles(java.util.function.Supplier<T> work) {
    synchronized (cycleLock) {
      return work.get();
    }
  }

  Optional<Observation> lastObservation() {
    synchronized (cycleLock) {
      return Optional.ofNullable(last);
    }
  }

  AgentMemory memory() {
    synchronized (cycleLock) {
      return memory;
    }
  }

  /**
   * Changes the memory between cycles (an operator scheduled or cancelled a restart).
   *
   * @return whether the change made a difference
   */
  boolean updateMemory(UnaryOperator<AgentMemory> change) {
    synchronized (cycleLock) {
      AgentMemory next = change.apply(memory);
      boolean changed = !next.equals(memory);
      memory = next;
      return changed;
    }
  }

  /** A reload changed the local configuration (tags, nofailover); the dynamic configuration stays as applied. */
  void reconfigure(NodeSettings local) {
    synchronized (cycleLock) {
      settings = local.withDynamic(settings.dynamic());
      settingsPublished = settings;
    }
  }

  NodeSettings settings() {
    synchronized (cycleLock) {
      return settings;
    }
  }

  @Override
  public void run() {
    int immediate = 0;
    while (!stopping) {
      long started = clock.monotonicMillis();
      boolean again;
      OptionalLong recheck = OptionalLong.empty();
      try {
        ActionExecutor.Outcome outcome = cycle();
        again = outcome != null && outcome.runAgainNow();
        recheck = outcome == null ? recheck : outcome.recheckInMillis();
      } catch (RuntimeException e) {
        LOG.error("unexpected error in the HA cycle; retrying at the next cycle", e);
        again = false;
      }
      if (exit.isDone()) {
        return;
      }
      immediate = again ? immediate + 1 : 0;
      if (again && immediate < MAX_IMMEDIATE_CYCLES) {
        continue;
      }
      long wait = started + settings.dynamic().loopWait() * 1000L - clock.monotonicMillis();
      if (recheck.isPresent()) {
        sleep(Math.max(1, Math.min(recheck.getAsLong(), wait)));
        continue;
      }
      if (wait <= 0) {
        LOG.warn("loop time exceeded, rescheduling immediately");
        continue;
      }
      sleep(wait);
    }
  }

  private void sleep(long millis) {
    synchronized (wakeLock) {
      long deadline = clock.monotonicMillis() + millis;
      while (!wakeRequested && !stopping) {
        long left = deadline - clock.monotonicMillis();
        if (left <= 0) {
          break;
        }
        try {
          wakeLock.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopping = true;
        }
      }
      wakeRequested = false;
    }
  }

  /** One cycle; null when the loop is stopping. */
  private ActionExecutor.Outcome cycle() {
    synchronized (cycleLock) {
      if (stopping) {
        return null;
      }
      long observedAt = clock.monotonicMillis();
      Observation o = observer.observe(settings);
      o = adoptDynamicConfig(o);
      warnOnFailsafeTiming(o);
      warnOnStandbyCluster(o);
      Decision d = HaCore.decide(o, memory);
      decisions.record(o, d, settings.dynamic().pause());
      if (d.acts()) {
        // Health checks see what was observed (e.g. PostgreSQL gone) before slow actions run.
        published.publish(o, observedAt, d.memory(), settings.dynamic().ttl(), settings.dynamic().pause(),
            clock.monotonicMillis() + 2L * settings.dynamic().ttl() * 1000L);
      }
      ActionExecutor.Outcome outcome = executor.execute(d, o, observedAt);
      memory = outcome.memory();
      last = o;
      lastPublished = o;
      observed.accept(o);
      long nextDeadline = clock.monotonicMillis() + 2L * settings.dynamic().ttl() * 1000L;
      published.publish(o, observedAt, memory, settings.dynamic().ttl(), settings.dynamic().pause(), nextDeadline);
      outcome.exit().ifPresent(exit::complete);
      return outcome;
    }
  }

  /** Once when it starts to apply (at start, or after a change of /config or of the guards), not every cycle. */
  private void warnOnFailsafeTiming(Observation o) {
    Optional<String> problem = Fencing.failsafeTimingProblem(o.settings().dynamic(), o.guards());
    if (problem.isPresent() && !problem.equals(failsafeTimingWarned)) {
      LOG.warn(problem.get());
    }
    failsafeTimingWarned = problem;
  }

  /**
   * Once when it starts to apply: a {@code standby_cluster} the standby leader cannot follow keeps every member a
   * standby (nothing promotes, nothing replicates from the remote) until an operator fixes or removes it.
   */
  private void warnOnStandbyCluster(Observation o) {
    Optional<String> problem = o.settings().dynamic().standbyCluster().flatMap(s -> s.problem());
    if (problem.isPresent() && !problem.equals(standbyClusterWarned)) {
      LOG.warn("{}: this standby cluster has nothing to follow and does not promote until standby_cluster is fixed "
          + "or removed from /config", problem.get());
    }
    standbyClusterWarned = problem;
  }

  /** {@code /config} in ZooKeeper wins over {@code bootstrap.dcs} once it exists (wire spec 7.1). */
  private Observation adoptDynamicConfig(Observation o) {
    Optional<Map<String, Object>> dcsConfig = o.view().flatMap(v -> v.config()).map(ConfigNode::data)
        .filter(m -> !m.isEmpty());
    if (dcsConfig.isEmpty() || dcsConfig.get().equals(appliedDynamic)) {
      return o;
    }
    try {
      DynamicConfig next = DynamicConfig.fromMap(dcsConfig.get());
      DynamicConfig current = settings.dynamic();
      if (next.ttl() != current.ttl()) {
        LOG.warn("ttl changed in /config from {} to {}; the ZooKeeper session keeps {} s until the agent restarts",
            current.ttl(), next.ttl(), current.ttl());
      }
      settings = settings.withDynamic(next);
      settingsPublished = settings;
      LOG.info("applied the dynamic configuration from /config");
    } catch (ConfigException e) {
      LOG.warn("ignoring the new /config: {}", e.getMessage());
    }
    appliedDynamic = dcsConfig.get();
    return o.withSettings(settings);
  }
}
