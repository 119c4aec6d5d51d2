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
 */
public record ReplicationRow(String usename, String applicationName, Optional<String> clientAddr,
    String state, String syncState, int syncPriority) {

  public ReplicationRow {
    Objects.requireNonNull(usename, "usename");
    Objects.requireNonNull(applicationName, "applicationName");
    Objects.requireNonNull(clientAddr, "clientAddr");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(syncState, "syncState");
  }
}
