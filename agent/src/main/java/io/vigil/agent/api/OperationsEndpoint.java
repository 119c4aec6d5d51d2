package io.vigil.agent.api;

import io.vigil.agent.api.AgentControl.OperationResult;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.DcsException;
import io.vigil.restapi.RestResponse;
import io.vigil.restapi.WriteRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /restart}, {@code DELETE /restart}, {@code POST /reload} and {@code POST /reinitialize}: they
 * validate the request as Patroni does, hand the work to the HA loop through {@link AgentControl} and
 * map its {@link OperationResult} to Patroni's status codes. Scheduled restarts are validated but refused.
 */
final class OperationsEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(OperationsEndpoint.class);

  private final AgentControl control;
  private final Clock clock;
  private final PeerDocuments peers;
  private final Duration maxWait;

  OperationsEndpoint(AgentControl control, Clock clock, PeerDocuments peers, Duration maxWait) {
    this.control = control;
    this.clock = clock;
    this.peers = peers;
    this.maxWait = maxWait;
  }

  RestResponse restart(WriteRequest http) throws InterruptedException {
    RequestBody body = RequestBody.optional(http);
    if (!body.ok()) {
      return body.error().get();
    }
    ClusterView view;
    try {
      view = control.readCluster();
    } catch (DcsException e) {
      LOG.warn("restart request: cannot read the cluster: {}", e.getMessage());
      return RestResponse.error(503);
    }
    if (!body.value().isEmpty()) {
      LOG.info("received restart request: {}", body.value());
    }
    if (SwitchoverRules.paused(view) && body.value().containsKey("schedule")) {
      return RestResponse.text(500, "Can't schedule restart in the paused state");
    }
    Object parsed = RestartRequest.parse(body.value(), clock.instant());
    if (parsed instanceof RestartRequest.Refusal refusal) {
      return RestResponse.text(refusal.status(), refusal.message());
    }
    RestartRequest request = (RestartRequest) parsed;
    if (request.scheduled()) {
      return RestResponse.text(400, "scheduled restart is not supported by Vigil yet");
    }
    Optional<Map<String, Object>> status = Optional.empty();
    if (request.role() != null || request.postgresVersion() != null || request.restartPending()) {
      status = view.member(control.memberName()).map(me -> peers.fetch(List.of(me)).get(0)).orElse(Optional.empty());
    }
    if (!request.matches(status)) {
      LOG.info("not proceeding with the restart: the request's conditions do not match this node");
      return RestResponse.text(503, "restart conditions are not satisfied");
    }
    return answer("restart", control.restart(), 200, null);
  }

  /** Vigil never holds a scheduled restart, so there is never one to delete. */
  RestResponse deleteRestart(WriteRequest http) {
    return RestResponse.text(404, "no restarts are scheduled");
  }

  RestResponse reload(WriteRequest http) {
    control.reload().whenComplete((r, e) -> {
      if (e != null) {
        LOG.warn("reload failed: {}", e.toString());
      } else if (!r.ok()) {
        LOG.warn("reload failed: {}", r.message());
      }
    });
    return RestResponse.text(202, "reload scheduled");
  }

  RestResponse reinitialize(WriteRequest http) throws InterruptedException {
    RequestBody body = RequestBody.optional(http);
    if (!body.ok()) {
      return body.error().get();
    }
    boolean force = SwitchoverRules.truthy(body.value().get("force"));
    return answer("reinitialize", control.reinitialize(force), 200, "reinitialize started");
  }

  private RestResponse answer(String what, CompletableFuture<OperationResult> future, int okStatus,
                              String okMessage) throws InterruptedException {
    OperationResult result;
    try {
      result = future.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      LOG.warn("{} failed: {}", what, String.valueOf(e.getCause()));
      return RestResponse.text(503, what + " failed");
    } catch (TimeoutException e) {
      return RestResponse.text(503, what + " status unknown");
    }
    if (result == null) {
      return RestResponse.text(503, what + " failed");
    }
    if (result.ok()) {
      String message = okMessage != null ? okMessage : result.message();
      return RestResponse.text(okStatus, message == null || message.isEmpty() ? what + " succeeded" : message);
    }
    String message = result.message() == null || result.message().isEmpty() ? what + " failed" : result.message();
    return RestResponse.text(503, message);
  }
}
