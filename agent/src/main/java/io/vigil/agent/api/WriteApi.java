package io.vigil.agent.api;

import io.vigil.restapi.RestResponse;
import io.vigil.restapi.WriteEndpoint;
import io.vigil.restapi.WriteRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Patroni's state-changing REST endpoints for one agent (wire spec 5.4), to be passed to
 * {@code RestApiServer}. Authentication is done by the server before any handler runs.
 *
 * <ul>
 *   <li>{@code POST /switchover}, {@code POST /failover}: manual switchover / failover;</li>
 *   <li>{@code DELETE /switchover}: cancel a scheduled switchover;</li>
 *   <li>{@code PATCH /config}, {@code PUT /config}: change the dynamic configuration;</li>
 *   <li>{@code POST /restart}, {@code DELETE /restart}: restart PostgreSQL (immediate restarts only);</li>
 *   <li>{@code POST /reload}: re-read the YAML, reload PostgreSQL;</li>
 *   <li>{@code POST /reinitialize}: wipe and re-clone a replica;</li>
 *   <li>{@code POST /failsafe}: a primary without ZooKeeper asks whether it may keep running (failsafe mode).</li>
 * </ul>
 */
public final class WriteApi {

  /** Patroni polls the result of an immediate switchover once a second; Vigil answers sooner. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  /** Patroni's timeout for the candidates' status in the feasibility check. */
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);
  /** Upper bound for a restart or reinitialize handed to the HA loop. */
  static final Duration MAX_OPERATION_WAIT = Duration.ofMinutes(10);

  private WriteApi() {}

  /**
   * @param control the running agent
   * @param clock   wall-clock time: "now" for scheduled times and the switchover wait deadline
   * @param peers   TLS for the candidates' status in the feasibility check
   */
  public static List<WriteEndpoint> endpoints(AgentControl control, Clock clock, Supplier<ClientTls> peers) {
    return endpoints(control, clock, new HttpPeerDocuments(PEER_TIMEOUT, peers), POLL_INTERVAL, MAX_OPERATION_WAIT);
  }

  /** {@link #endpoints(AgentControl, Clock, Supplier)} with the system clock. */
  public static List<WriteEndpoint> endpoints(AgentControl control, Supplier<ClientTls> peers) {
    return endpoints(control, Clock.systemUTC(), peers);
  }

  static List<WriteEndpoint> endpoints(AgentControl control, Clock clock, PeerDocuments peers, Duration pollInterval,
                                       Duration maxOperationWait) {
    SwitchoverEndpoint switchover = new SwitchoverEndpoint(control, clock, peers, pollInterval);
    ConfigEndpoint config = new ConfigEndpoint(control);
    OperationsEndpoint operations = new OperationsEndpoint(control, clock, maxOperationWait);
    return List.of(
        new WriteEndpoint("POST", "/switchover", r -> switchover.post(r, SwitchoverRules.SWITCHOVER)),
        new WriteEndpoint("POST", "/failover", r -> switchover.post(r, SwitchoverRules.FAILOVER)),
        new WriteEndpoint("DELETE", "/switchover", switchover::delete),
        new WriteEndpoint("PATCH", "/config", config::patch),
        new WriteEndpoint("PUT", "/config", config::put),
        new WriteEndpoint("POST", "/restart", operations::restart),
        new WriteEndpoint("DELETE", "/restart", operations::deleteRestart),
        new WriteEndpoint("POST", "/reload", operations::reload),
        new WriteEndpoint("POST", "/reinitialize", operations::reinitialize),
        new WriteEndpoint("POST", "/failsafe", r -> failsafe(control, r)));
  }

  /** {@code POST /failsafe} (wire spec 5.4): 502 when failsafe mode is off, before the body is even read. */
  static RestResponse failsafe(AgentControl control, WriteRequest http) {
    if (!control.failsafeMode()) {
      return RestResponse.error(502);
    }
    RequestBody body = RequestBody.required(http);
    if (!body.ok()) {
      return body.error().get();
    }
    AgentControl.FailsafeAnswer answer = control.failsafe(body.value());
    return answer.status() == 502 ? RestResponse.error(502) : RestResponse.text(answer.status(), answer.message());
  }
}
