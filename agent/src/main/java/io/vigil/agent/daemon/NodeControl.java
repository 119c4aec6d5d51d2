package io.vigil.agent.daemon;

import io.vigil.agent.api.AgentControl;
import io.vigil.agent.ha.Observation;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsException;
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

  NodeControl(String name, Supplier<Dcs> dcs, Supplier<HaLoop> loop, Supplier<ActionExecutor> executor) {
    this.name = name;
    this.dcs = dcs;
    this.loop = loop;
    this.executor = executor;
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
  public void wakeUp() {
    HaLoop l = loop.get();
    if (l != null) {
      l.wakeUp();
    }
  }

  @Override
  public CompletableFuture<OperationResult> restart() {
    return operate("restart", (o, l) -> {
      executor.get().restartInPlace(o, l.memory());
      return new OperationResult(true, "restarted successfully");
    });
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

  @Override
  public CompletableFuture<OperationResult> reload() {
    return operate("reload", (o, l) -> {
      executor.get().reloadConfiguration(o, l.memory());
      return new OperationResult(true, "reloaded");
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
