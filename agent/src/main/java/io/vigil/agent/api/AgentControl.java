package io.vigil.agent.api;

import io.vigil.agent.ha.RestartConditions;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.DcsException;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * What the REST write endpoints may ask of the running agent. Requests that change PostgreSQL
 * (restart, reinitialize, reload) are handed to the HA loop, which carries them out between cycles
 * and completes the returned future with Patroni's result message; DCS writes go straight through.
 */
public interface AgentControl {

  String memberName();

  /** A fresh full read of the cluster from ZooKeeper. */
  ClusterView readCluster() throws DcsException;

  /** Writes {@code /failover} (compact JSON, keys as given); with a version, only if it still matches. */
  void writeFailover(Map<String, Object> value, OptionalInt expectedVersion) throws DcsException;

  /** Writes {@code /config}; with a version, compare-and-set (false = someone changed it meanwhile). */
  boolean writeConfig(Map<String, Object> config, OptionalInt expectedVersion) throws DcsException;

  /** Run an HA cycle now (after a failover key or config change). */
  void wakeUp();

  /**
   * Restart PostgreSQL in its current role if the conditions hold; completes with "restarted successfully" or
   * Patroni's failure message ("restart conditions are not satisfied", "postgres is still starting", ...).
   */
  CompletableFuture<OperationResult> restart(RestartConditions conditions);

  /**
   * Keep a restart for later (the HA loop runs it when due); false when one is already scheduled.
   *
   * @param request the request as the member key publishes it: {@code schedule} and the filters as given
   */
  boolean scheduleRestart(long atMillis, Map<String, Object> request, RestartConditions conditions);

  /** Drop the scheduled restart; false when there was none. */
  boolean cancelScheduledRestart();

  /** Wipe the data directory and clone it again from the leader (refused on the leader). */
  CompletableFuture<OperationResult> reinitialize(boolean force);

  /** Re-read the YAML configuration and reload PostgreSQL's configuration. */
  CompletableFuture<OperationResult> reload();

  /**
   * {@code POST /failsafe} from a primary that lost ZooKeeper (wire spec 3.14): 502 while failsafe mode is off, 500
   * {@code Running as a leader} when this node is itself a running primary, else 200 {@code Accepted} and the sender
   * counts as the leader for ttl. Agents without failsafe support answer 502.
   *
   * @param request the JSON body: {@code name}, {@code conn_url}, {@code api_url}, {@code slots}
   */
  default FailsafeAnswer failsafe(Map<String, Object> request) {
    return FailsafeAnswer.OFF;
  }

  /** Whether {@code failsafe_mode} is on in the dynamic configuration this agent applies. */
  default boolean failsafeMode() {
    return false;
  }

  /** The answer to {@code POST /failsafe}: a status and, except for 502, Patroni's text. */
  record FailsafeAnswer(int status, String message) {
    public static final FailsafeAnswer OFF = new FailsafeAnswer(502, "");
    public static final FailsafeAnswer LEADER = new FailsafeAnswer(500, "Running as a leader");
    public static final FailsafeAnswer ACCEPTED = new FailsafeAnswer(200, "Accepted");
  }

  /** The outcome of an operation carried out by the HA loop: success flag and Patroni's message. */
  record OperationResult(boolean ok, String message) {}
}
