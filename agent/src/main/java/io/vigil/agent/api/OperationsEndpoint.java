package io.vigil.agent.api;

import io.vigil.agent.api.AgentControl.OperationResult;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.DcsException;
import io.vigil.restapi.RestResponse;
import io.vigil.restapi.WriteRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /restart}, {@code DELETE /restart}, {@code POST /reload} and {@code POST /reinitialize}: they
 * validate the request as Patroni does, hand the work to the HA loop through {@link AgentControl} and
 * map its {@link OperationResult} to Patroni's status codes. A scheduled restart is kept by the HA loop, which
 * runs it when due.
 */
final class OperationsEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(OperationsEndpoint.class);

  private final AgentControl control;
  private final Clock clock;
  private final Duration maxWait;

  OperationsEndpoint(AgentControl control, Clock clock, Duration maxWait) {
    this.control = control;
    this.clock = clock;
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
    if (request.schedule().isPresent()) {
      long at = request.schedule().get().toInstant().toEpochMilli();
      return control.scheduleRestart(at, request.published(), request.conditions())
          ? RestResponse.text(202, "Restart scheduled")
          : RestResponse.text(409, "Another restart is already scheduled");
    }
    return answer("restart", control.restart(request.conditions()), 200, null);
  }

  RestResponse deleteRestart(WriteRequest http) {
    return control.cancelScheduledRestart() ? RestResponse.text(200, "scheduled restart deleted")
        : RestResponse.text(404, "no restarts are scheduled");
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
