package io.vigil.agent.api;

import io.vigil.agent.api.SwitchoverRules.Answer;
import io.vigil.agent.api.SwitchoverRules.Feasibility;
import io.vigil.agent.api.SwitchoverRules.Request;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.DcsException;
import io.vigil.dcs.FailoverNode;
import io.vigil.restapi.RestResponse;
import io.vigil.restapi.WriteRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /switchover}, {@code POST /failover} and {@code DELETE /switchover} (wire spec 5.4). A
 * request is validated, checked for feasibility against the candidates' REST status, written to
 * {@code /failover}; a scheduled one is answered 202 at once, an immediate one after the cluster shows the
 * outcome. Vigil polls every {@code pollInterval} (100 ms) where Patroni polls once a second, for the same
 * 2 × max(10, loop_wait) seconds.
 */
final class SwitchoverEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(SwitchoverEndpoint.class);

  private final AgentControl control;
  private final Clock clock;
  private final PeerDocuments peers;
  private final Duration pollInterval;

  SwitchoverEndpoint(AgentControl control, Clock clock, PeerDocuments peers, Duration pollInterval) {
    this.control = control;
    this.clock = clock;
    this.peers = peers;
    this.pollInterval = pollInterval;
  }

  RestResponse post(WriteRequest http, String action) throws InterruptedException {
    RequestBody body = RequestBody.required(http);
    if (!body.ok()) {
      return body.error().get();
    }
    ClusterView view;
    try {
      view = control.readCluster();
    } catch (DcsException e) {
      LOG.warn("{} request: cannot read the cluster: {}", action, e.getMessage());
      return RestResponse.error(503);
    }
    LOG.info("received {} request with leader={} candidate={} scheduled_at={}", action, body.value().get("leader"),
        body.value().get("candidate") != null ? body.value().get("candidate") : body.value().get("member"),
        body.value().get("scheduled_at"));
    Object checked = SwitchoverRules.validate(body.value(), action, SwitchoverRules.paused(view), clock.instant());
    if (checked instanceof Answer refusal) {
      return text(refusal);
    }
    Request request = (Request) checked;
    if (request.scheduledAt() == null) {
      Feasibility feasible = SwitchoverRules.feasibility(view, request.leader(), request.candidate(), action);
      if (feasible.refusal() != null) {
        return text(feasible.refusal());
      }
      Optional<Answer> judged = SwitchoverRules.judge(peers.fetch(feasible.toPoll()), action);
      if (judged.isPresent()) {
        return text(judged.get());
      }
    }
    try {
      control.writeFailover(SwitchoverRules.failoverValue(request), OptionalInt.empty());
    } catch (DcsException e) {
      LOG.warn("{} request: {}", action, e.getMessage());
      return RestResponse.text(503, "failed to write failover key into DCS");
    }
    control.wakeUp();
    if (request.scheduledAt() != null) {
      return RestResponse.text(202, SwitchoverRules.title(action) + " scheduled");
    }
    String oldLeader = view.leader().map(l -> l.name()).orElse(null);
    return text(await(oldLeader, request.candidate(), action, loopWait(view)));
  }

  private Answer await(String oldLeader, String candidate, String action, long loopWait) throws InterruptedException {
    long deadline = clock.millis() + 2 * Math.max(10, loopWait) * 1000L;
    while (clock.millis() < deadline) {
      Thread.sleep(pollInterval.toMillis());
      try {
        Optional<Answer> outcome = SwitchoverRules.outcome(control.readCluster(), oldLeader, candidate, action);
        if (outcome.isPresent()) {
          return outcome.get();
        }
      } catch (DcsException e) {
        LOG.debug("{} result not readable yet: {}", action, e.getMessage());
      }
    }
    return SwitchoverRules.timedOut(action);
  }

  /** Cancels a scheduled switchover: {@code /failover} ← {@code {}} with the version read. */
  RestResponse delete(WriteRequest http) {
    try {
      Optional<FailoverNode> failover = control.readCluster().failover();
      if (failover.isEmpty() || failover.get().scheduledAt().isEmpty()) {
        return RestResponse.text(404, "no switchover is scheduled");
      }
      control.writeFailover(Map.of(), OptionalInt.of(failover.get().version()));
      // writeFailover does not report a lost compare-and-set; a request still there means it was not ours
      // to delete (someone wrote a newer one meanwhile).
      if (control.readCluster().failover().isPresent()) {
        return RestResponse.error(409);
      }
      return RestResponse.text(200, "scheduled switchover deleted");
    } catch (DcsException e) {
      LOG.warn("cannot delete the scheduled switchover: {}", e.getMessage());
      return RestResponse.error(409);
    }
  }

  static long loopWait(ClusterView view) {
    Object v = view.config().map(c -> c.data().get("loop_wait")).orElse(null);
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return v == null ? 10 : Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      return 10;
    }
  }

  private static RestResponse text(Answer a) {
    return RestResponse.text(a.status(), a.message());
  }
}
