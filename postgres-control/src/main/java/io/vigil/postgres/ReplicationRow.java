package io.vigil.postgres;

import java.util.Objects;
import java.util.Optional;

/**
 * One WAL sender on a primary, as {@code pg_stat_replication} shows it and as the REST API's
 * {@code replication} list publishes it.
 *
 * @param usename         role of the replication connection
 * @param applicationName the replica's {@code application_name}, i.e. its member name
 * @param clientAddr      client IP address; empty for a Unix-socket connection
 * @param state           e.g. {@code streaming}, {@code catchup}, {@code backup}
 * @param syncState       {@code async}, {@code potential}, {@code sync} or {@code quorum}
 * @param syncPriority    priority in {@code synchronous_standby_names}, 0 when not listed
 * @param writeLsn        {@code write_lsn}: WAL the standby has written to disk (not yet flushed); 0 when null
 *                        (e.g. while the standby is still starting or taking a base backup)
 * @param flushLsn        {@code flush_lsn}: WAL the standby has flushed to durable storage; 0 when null
 * @param replayLsn       {@code replay_lsn}: WAL the standby has replayed; 0 when null
 */
public record ReplicationRow(String usename, String applicationName, Optional<String> clientAddr,
    String state, String syncState, int syncPriority, long writeLsn, long flushLsn, long replayLsn) {

  /** A row without positions (all 0), for callers that do not care about them. */
  public ReplicationRow(String usename, String applicationName, Optional<String> clientAddr, String state,
      String syncState, int syncPriority) {
    this(usename, applicationName, clientAddr, state, syncState, syncPriority, 0, 0, 0);
  }

  public ReplicationRow {
    Objects.requireNonNull(usename, "usename");
    Objects.requireNonNull(applicationName, "applicationName");
    Objects.requireNonNull(clientAddr, "clientAddr");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(syncState, "syncState");
  }
}
