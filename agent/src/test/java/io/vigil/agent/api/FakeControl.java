package io.vigil.agent.api;

import io.vigil.agent.ha.RestartConditions;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.ConfigNode;
import io.vigil.dcs.DcsException;
import io.vigil.dcs.FailoverNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/** An in-memory agent: a cluster view that writes change, with Patroni's CAS rules (version 0 = unconditional). */
final class FakeControl implements AgentControl {

  volatile ClusterView view;
  final List<Map<String, Object>> failoverWrites = new ArrayList<>();
  final List<Map<String, Object>> configWrites = new ArrayList<>();
  int wakeUps;
  boolean failWrites;
  /** Applied to the view on every read after a failover write: the simulated HA loop. */
  UnaryOperator<ClusterView> haLoop = UnaryOperator.identity();
  /** Applied to the view right before a write: a concurrent writer. */
  UnaryOperator<ClusterView> concurrentWriter = UnaryOperator.identity();
  CompletableFuture<OperationResult> restart =
      CompletableFuture.completedFuture(new OperationResult(true, "restarted successfully"));
  CompletableFuture<OperationResult> reinitialize =
      CompletableFuture.completedFuture(new OperationResult(true, "reinitialize started"));
  CompletableFuture<OperationResult> reload = CompletableFuture.completedFuture(new OperationResult(true, "ok"));
  int restarts;
  RestartConditions lastConditions;
  Map<String, Object> scheduledRestart;
  int reloads;
  Boolean reinitializeForce;

  FakeControl(ClusterView view) {
    this.view = view;
  }

  @Override
  public String memberName() {
    return "n1";
  }

  @Override
  public ClusterView readCluster() throws DcsException {
    if (!failoverWrites.isEmpty()) {
      view = haLoop.apply(view);
    }
    return view;
  }

  @Override
  public void writeFailover(Map<String, Object> value, OptionalInt expectedVersion) throws DcsException {
    if (failWrites) {
      throw new DcsException("connection loss");
    }
    view = concurrentWriter.apply(view);
    int current = view.failover().map(FailoverNode::version).orElse(0);
    if (expectedVersion.isPresent() && expectedVersion.getAsInt() != 0 && expectedVersion.getAsInt() != current) {
      return;
    }
    failoverWrites.add(value);
    Optional<FailoverNode> node = value.isEmpty() ? Optional.empty()
        : Optional.of(new FailoverNode(Optional.ofNullable((String) value.get("leader")),
            Optional.ofNullable((String) value.get("member")), Optional.ofNullable((String) value.get("scheduled_at")),
            current + 1));
    view = Views.withFailover(view, node);
  }

  @Override
  public boolean writeConfig(Map<String, Object> config, OptionalInt expectedVersion) throws DcsException {
    if (failWrites) {
      throw new DcsException("connection loss");
    }
    view = concurrentWriter.apply(view);
    int current = view.config().map(ConfigNode::version).orElse(0);
    if (expectedVersion.isPresent() && expectedVersion.getAsInt() != 0 && expectedVersion.getAsInt() != current) {
      return false;
    }
    configWrites.add(config);
    view = Views.withConfig(view, Optional.of(new ConfigNode(config, current + 1)));
    return true;
  }

  boolean failsafeMode;
  FailsafeAnswer failsafeAnswer = FailsafeAnswer.ACCEPTED;
  Map<String, Object> failsafeRequest;

  @Override
  public boolean failsafeMode() {
    return failsafeMode;
  }

  @Override
  public FailsafeAnswer failsafe(Map<String, Object> request) {
    failsafeRequest = request;
    return failsafeAnswer;
  }

  @Override
  public void wakeUp() {
    wakeUps++;
  }

  @Override
  public CompletableFuture<OperationResult> restart(RestartConditions conditions) {
    restarts++;
    lastConditions = conditions;
    return restart;
  }

  @Override
  public boolean scheduleRestart(long atMillis, Map<String, Object> request, RestartConditions conditions) {
    if (scheduledRestart != null) {
      return false;
    }
    scheduledRestart = request;
    lastConditions = conditions;
    return true;
  }

  @Override
  public boolean cancelScheduledRestart() {
    boolean had = scheduledRestart != null;
    scheduledRestart = null;
    return had;
  }

  @Override
  public CompletableFuture<OperationResult> reinitialize(boolean force) {
    reinitializeForce = force;
    return reinitialize;
  }

  @Override
  public CompletableFuture<OperationResult> reload() {
    reloads++;
    return reload;
  }
}
