package io.vigil.sim;

import io.vigil.config.DynamicConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of one simulated run: cluster size, Patroni's timing keys (the defaults every real
 * cluster starts with) and the length of each phase.
 *
 * @param nodes           cluster members, all bootstrap-capable, none tagged nofailover
 * @param formationMs     no faults while the cluster bootstraps and clones its replicas
 * @param faultPhaseMs    faults start and end inside this window after formation (safety phase)
 * @param sync            the synchronous replication {@code bootstrap.dcs} starts the cluster with
 * @param failsafe        {@code failsafe_mode: true} in {@code bootstrap.dcs}
 */
record SimSettings(int nodes, int ttlSeconds, int loopWaitSeconds, int retryTimeoutSeconds,
    long maximumLagOnFailover, long formationMs, long faultPhaseMs, SyncSetup sync, boolean failsafe) {

  /** The longest pg_basebackup the PostgreSQL model takes. */
  static final long CLONE_MAX_MS = 15_000;

  static SimSettings defaults(long faultPhaseMs) {
    return new SimSettings(3, 30, 10, 10, 1_048_576L, 60_000, faultPhaseMs, SyncSetup.ASYNC, false);
  }

  SimSettings withSync(SyncSetup s) {
    return new SimSettings(nodes, ttlSeconds, loopWaitSeconds, retryTimeoutSeconds, maximumLagOnFailover, formationMs,
        faultPhaseMs, s, failsafe);
  }

  /** {@code failsafe_mode} in {@code bootstrap.dcs} (the run option {@code --failsafe}). */
  SimSettings withFailsafe(boolean on) {
    return new SimSettings(nodes, ttlSeconds, loopWaitSeconds, retryTimeoutSeconds, maximumLagOnFailover, formationMs,
        faultPhaseMs, sync, on);
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
    dcs.put("postgresql", pg);
    return Collections.unmodifiableMap(dcs);
  }

  DynamicConfig dynamic() {
    return DynamicConfig.fromMap(bootstrapDcs());
  }
}
