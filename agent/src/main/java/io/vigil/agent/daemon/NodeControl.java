package io.vigil.agent.daemon;

import io.vigil.agent.api.AgentControl;
import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.RestartConditions;
import io.vigil.agent.ha.ScheduledRestart;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigReload;
import io.vigil.config.VigilConfig;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsException;
import io.vigil.postgres.PgStatus;
import io.vigil.postgres.PostgresException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent as the REST write endpoints see it. Operator requests that touch PostgreSQL run between
 * HA cycles (under the loop's cycle lock), so they never interleave with a decision being carried
 * out; each is logged as an operator record, and the loop is woken afterwards to observe the result.
 */
final class NodeControl implements AgentControl {

  private static final Logger LOG = LoggerFactory.getLogger("vigil.ha");

  private final String name;
  private final Supplier<Dcs> dcs;
  private final Supplier<HaLoop> loop;
  private final Supplier<ActionExecutor> executor;
  private final ConfigSource config;

  /** Re-reads the local configuration for a reload; empty when there is nothing to re-read. */
  interface ConfigSource {
    Optional<ConfigReload> reread() throws ConfigException;
  }

  private final FailsafeState failsafe;
  private final Clock clock;

  NodeControl(String name, Supplier<Dcs> dcs, Supplier<HaLoop> loop, Supplier<ActionExecutor> executor,
      ConfigSource config) {
    this(name, dcs, loop, executor, config, new FailsafeState(), Clock.SYSTEM);
  }

  NodeControl(String name, Supplier<Dcs> dcs, Supplier<HaLoop> loop, Supplier<ActionExecutor> executor,
      ConfigSource config, FailsafeState failsafe, Clock clock) {
    this.failsafe = failsafe;
    this.clock = clock;
    this.name = name;
    this.dcs = dcs;
    this.loop = loop;
    this.executor = executor;
    this.config = config;
  }

  @Override
  public String memberName() {
    return name;
  }

  @Override
  public ClusterView readCluster() throws DcsException {
    return ready().read();
  }

  @Override
  public void writeFailover(Map<String, Object> value, OptionalInt expectedVersion) throws DcsException {
    ready().writeFailover(value, expectedVersion);
  }

  @Override
  public boolean writeConfig(Map<String, Object> config, OptionalInt expectedVersion) throws DcsException {
    return ready().writeConfig(config, expectedVersion);
  }

  @Override
  public boolean failsafeMode() {
    HaLoop l = loop.get();
    return l != null && l.settingsNow().dynamic().failsafeMode();
  }

  /**
   * Patroni's {@code update_failsafe}: refused while this node's PostgreSQL last ran as a primary; otherwise the
   * sender is remembered as the leader (the core lets it count as one for ttl).
   */
  @Override
  public FailsafeAnswer failsafe(Map<String, Object> request) {
    HaLoop l = loop.get();
    // Never waits for the cycle lock: this node's own cycle may be stuck in a ZooKeeper read for retry_timeout.
    boolean mode = l != null && l.settingsNow().dynamic().failsafeMode();
    boolean primary = l != null
        && l.lastObservationNow().map(o -> o.pg().running() && o.pg().isPrimary()).orElse(false);
    FailsafeAnswer answer = failsafeAnswer(mode, primary);
    if (answer != FailsafeAnswer.ACCEPTED) {
      return answer;
    }
    String from = text(request.get("name"));
    failsafe.accepted(new io.vigil.agent.ha.FailsafeLeader(from, text(request.get("api_url")),
        text(request.get("conn_url")), clock.millis()));
    LOG.debug("POST /failsafe from {}: accepted", from);
    return FailsafeAnswer.ACCEPTED;
  }

  /** Patroni's answer: 502 while failsafe mode is off, 500 on a running primary, else 200 Accepted. */
  static FailsafeAnswer failsafeAnswer(boolean failsafeMode, boolean runningPrimary) {
    if (!failsafeMode) {
      return FailsafeAnswer.OFF;
    }
    return runningPrimary ? FailsafeAnswer.LEADER : FailsafeAnswer.ACCEPTED;
  }

  private static String text(Object v) {
    return v == null ? "" : String.valueOf(v);
  }

  @Override
  public void wakeUp() {
    HaLoop l = loop.get();
    if (l != null) {
      l.wakeUp();
    }
  }

  @Override
  public CompletableFuture<OperationResult> restart(RestartConditions conditions) {
    return operate("restart", (o, l) -> {
      if (!conditions.matches(o.pg())) {
        return new OperationResult(false, "restart conditions are not satisfied");
      }
      try {
        executor.get().restartInPlace(o, l.memory().following(), conditions.timeoutSeconds());
      } catch (PostgresException e) {
        // a start that outlived the operator's timeout leaves PostgreSQL starting (Patroni's answer)
        if (conditions.timeoutSeconds().isPresent() && pgStarting()) {
          LOG.warn("operator restart: {}", e.getMessage());
          return new OperationResult(false, "postgres is still starting");
        }
        throw e;
      }
      return new OperationResult(true, "restarted successfully");
    });
  }

  private boolean pgStarting() {
    ActionExecutor e = executor.get();
    return e != null && e.postgresRunning();
  }

  @Override
  public boolean scheduleRestart(long atMillis, Map<String, Object> request, RestartConditions conditions) {
    HaLoop l = loop.get();
    if (l == null) {
      return false;
    }
    Optional<String> started = l.lastObservation().flatMap(o -> o.pg().status()).map(PgStatus::postmasterStartTime);
    ScheduledRestart restart = new ScheduledRestart(atMillis, request, conditions, started);
    boolean accepted = l.updateMemory(m -> m.scheduledRestart().isPresent() ? m
        : m.withScheduledRestart(Optional.of(restart)));
    if (accepted) {
      LOG.info("operator scheduled a restart: {}", request);
      l.wakeUp();
    }
    return accepted;
  }

  @Override
  public boolean cancelScheduledRestart() {
    HaLoop l = loop.get();
    if (l == null) {
      return false;
    }
    boolean removed = l.updateMemory(m -> m.withScheduledRestart(Optional.empty()));
    if (removed) {
      LOG.info("operator deleted the scheduled restart");
      l.wakeUp();
    }
    return removed;
  }

  @Override
  public CompletableFuture<OperationResult> reinitialize(boolean force) {
    return operate("reinitialize", (o, l) -> {
      Optional<ClusterView> view = o.view();
      if (view.isEmpty() || view.get().leader().isEmpty()) {
        return new OperationResult(false, "Cluster has no leader, can not reinitialize");
      }
      if (view.get().isLockedBy(name)) {
        return new OperationResult(false, "I am the leader, can not reinitialize");
      }
      executor.get().wipeForReinitialize();
      return new OperationResult(true, "reinitialize started");
    });
  }

  /**
   * Re-reads the YAML (a broken file is refused and the running configuration stays), applies what can
   * change at runtime to the loop and the executor, then rewrites PostgreSQL's configuration and reloads it.
   */
  @Override
  public CompletableFuture<OperationResult> reload() {
    return operate("reload", (o, l) -> {
      Optional<ConfigReload> reload;
      try {
        reload = config.reread();
      } catch (ConfigException e) {
        return new OperationResult(false, "configuration not reloaded, the running one stays: " + e.getMessage());
      }
      String note = "";
      if (reload.isPresent()) {
        VigilConfig effective = reload.get().effective();
        executor.get().reconfigure(effective);
        l.reconfigure(NodeWiring.node(effective, l.settings().dynamic()));
        if (!reload.get().needsRestart().isEmpty()) {
          note = "; changes to " + String.join(", ", reload.get().needsRestart()) + " take effect when the agent "
              + "restarts";
        }
      }
      executor.get().reloadConfiguration(o.withSettings(l.settings()), l.memory());
      return new OperationResult(true, (reload.isPresent() ? "configuration re-read and " : "") + "PostgreSQL "
          + "configuration reloaded" + note);
    });
  }

  private interface Operation {
    OperationResult run(Observation last, HaLoop loop) throws PostgresException;
  }

  private CompletableFuture<OperationResult> operate(String what, Operation op) {
    HaLoop l = loop.get();
    if (l == null || l.lastObservation().isEmpty()) {
      return CompletableFuture.completedFuture(new OperationResult(false, "the agent is still starting"));
    }
    OperationResult result = l.betweenCycles(() -> {
      Observation last = l.lastObservation().orElseThrow();
      try {
        OperationResult r = op.run(last, l);
        LOG.info("operator {}: {}", what, r.message());
        return r;
      } catch (PostgresException e) {
        LOG.error("operator {} failed: {}", what, e.getMessage());
        return new OperationResult(false, what + " failed: " + e.getMessage());
      }
    });
    l.wakeUp();
    return CompletableFuture.completedFuture(result);
  }

  private Dcs ready() throws DcsException {
    Dcs d = dcs.get();
    if (d == null) {
      throw new DcsException("not connected to ZooKeeper yet");
    }
    return d;
  }
}
