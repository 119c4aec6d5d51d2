package io.vigil.agent.api;

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

  /** Restart PostgreSQL in its current role; completes with "restarted successfully" or a failure message. */
  CompletableFuture<OperationResult> restart();

  /** Wipe the data directory and clone it again from the leader (refused on the leader). */
  CompletableFuture<OperationResult> reinitialize(boolean force);

  /** Re-read the YAML configuration and reload PostgreSQL's configuration. */
  CompletableFuture<OperationResult> reload();

  /** The outcome of an operation carried out by the HA loop: success flag and Patroni's message. */
  record OperationResult(boolean ok, String message) {}
}
