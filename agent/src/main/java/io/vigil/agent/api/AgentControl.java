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

  /** The outcome of an operation carried out by the HA loop: success flag and Patroni's message. */
  record OperationResult(boolean ok, String message) {}
}
