package io.vigil.sim;

import io.vigil.config.DynamicConfig;
import io.vigil.dcs.FailoverTags;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of one simulated run: cluster size, Patroni's timing keys (the defaults every real
 * cluster starts with) and the length of each phase.
 *
 * @param nodes           cluster members, all bootstrap-capable (except those whose failover_priority is 0)
 * @param formationMs     no faults while the cluster bootstraps and clones its replicas
 * @param faultPhaseMs    faults start and end inside this window after formation (safety phase)
 * @param sync            the synchronous replication {@code bootstrap.dcs} starts the cluster with
 * @param failsafe        {@code failsafe_mode: true} in {@code bootstrap.dcs}
 * @param failoverPriorities the {@code failover_priority} tag of each node by index; empty = no node is tagged
 * @param standbyCluster  {@code standby_cluster} in {@code bootstrap.dcs}, naming a remote primary outside the
 *                        simulated world (never reachable)
 */
record SimSettings(int nodes, int ttlSeconds, int loopWaitSeconds, int retryTimeoutSeconds,
    long maximumLagOnFailover, long formationMs, long faultPhaseMs, SyncSetup sync, boolean failsafe,
    List<Integer> failoverPriorities, boolean standbyCluster) {

  /** The host of the standby cluster's remote primary: no simulated node has it. */
  static final String REMOTE_PRIMARY = "remote-primary";

  /** The longest pg_basebackup the PostgreSQL model takes. */
  static final long CLONE_MAX_MS = 15_000;

  static SimSettings defaults(long faultPhaseMs) {
    return new SimSettings(3, 30, 10, 10, 1_048_576L, 60_000, faultPhaseMs, SyncSetup.ASYNC, false,
        List.of(), false);
  }

  SimSettings withSync(SyncSetup s) {
    return new SimSettings(nodes, ttlSeconds, loopWaitSeconds, retryTimeoutSeconds, maximumLagOnFailover, formationMs,
        faultPhaseMs, s, failsafe, failoverPriorities, standbyCluster);
  }

  /** {@code failsafe_mode} in {@code bootstrap.dcs} (the run option {@code --failsafe}). */
  SimSettings withFailsafe(boolean on) {
    return new SimSettings(nodes, ttlSeconds, loopWaitSeconds, retryTimeoutSeconds, maximumLagOnFailover, formationMs,
        faultPhaseMs, sync, on, failoverPriorities, standbyCluster);
  }

  SimSettings withFailoverPriorities(List<Integer> priorities) {
    return new SimSettings(nodes, ttlSeconds, loopWaitSeconds, retryTimeoutSeconds, maximumLagOnFailover, formationMs,
        faultPhaseMs, sync, failsafe, List.copyOf(priorities), standbyCluster);
  }

  SimSettings withStandbyCluster(boolean on) {
    return new SimSettings(nodes, ttlSeconds, loopWaitSeconds, retryTimeoutSeconds, maximumLagOnFailover, formationMs,
        faultPhaseMs, sync, failsafe, failoverPriorities, on);
  }

  /** Node {@code index}'s {@code failover_priority}: its tag, or Patroni's default 1 when untagged. */
  int failoverPriority(int index) {
    return failoverPriorities.isEmpty() ? FailoverTags.DEFAULT_PRIORITY : failoverPriorities.get(index);
  }

  /** The {@code tags} node {@code index} publishes, as its patroni.yml would configure them. */
  Map<String, Object> tags(int index) {
    return failoverPriorities.isEmpty() ? Map.of() : Map.of("failover_priority", failoverPriorities.get(index));
  }

  long ttlMs() {
    return ttlSeconds * 1000L;
  }

  long loopWaitMs() {
    return loopWaitSeconds * 1000L;
  }

  long retryTimeoutMs() {
    return retryTimeoutSeconds * 1000L;
  }

  /** How long an unanswered request may take before the client drops the connection: max(loop_wait - 2, 2) s. */
  long livenessTimeoutMs() {
    return Math.max(loopWaitSeconds - 2, 2) * 1000L;
  }

  /** When every fault has been healed and the liveness phase starts. */
  long healAtMs() {
    return formationMs + faultPhaseMs;
  }

  /**
   * Invariant 5's bound, from the moment the last fault is healed: a lock left by a dead session expires
   * (ttl), the race, promotion and the others' reaction each take at most a cycle (3 x loop_wait), a
   * replica that has to be rebuilt needs a clone, and starts and stops add a few seconds (10 s).
   */
  long convergenceBoundMs() {
    return ttlMs() + 3 * loopWaitMs() + CLONE_MAX_MS + 10_000;
  }

  /**
   * How long a running (not frozen, not dead) agent may leave its old primary writable after a newer
   * primary was promoted: one cycle to notice, one retried ZooKeeper read to give up, a fast stop.
   */
  long fencingGraceMs() {
    return loopWaitMs() + retryTimeoutMs() + 5_000;
  }

  /** {@code bootstrap.dcs} of every node, written to {@code /config} by the bootstrapping one. */
  Map<String, Object> bootstrapDcs() {
    Map<String, Object> pg = new LinkedHashMap<>();
    pg.put("use_pg_rewind", true);
    pg.put("use_slots", true);
    Map<String, Object> dcs = new LinkedHashMap<>();
    dcs.put("ttl", ttlSeconds);
    dcs.put("loop_wait", loopWaitSeconds);
    dcs.put("retry_timeout", retryTimeoutSeconds);
    dcs.put("maximum_lag_on_failover", maximumLagOnFailover);
    dcs.putAll(sync.bootstrapKeys());
    if (failsafe) {
      dcs.put("failsafe_mode", true);
    }
    if (standbyCluster) {
      dcs.put("standby_cluster", Map.of("host", REMOTE_PRIMARY, "port", 5432));
    }
    dcs.put("postgresql", pg);
    return Collections.unmodifiableMap(dcs);
  }

  DynamicConfig dynamic() {
    return DynamicConfig.fromMap(bootstrapDcs());
  }
}
