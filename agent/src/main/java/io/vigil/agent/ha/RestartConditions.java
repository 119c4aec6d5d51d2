package io.vigil.agent.ha;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The filters of an operator's restart (wire spec 3.16), checked against the node when the restart is
 * about to run, immediate or scheduled.
 *
 * @param role            {@code master} / {@code replica}: restart only in that role
 * @param postgresVersion restart only if the running server is older ({@code server_version_num} form)
 * @param pendingOnly     restart only if PostgreSQL reports settings waiting for a restart
 * @param timeoutSeconds  how long the start may take before the restart is reported as still starting
 */
public record RestartConditions(Optional<String> role, OptionalInt postgresVersion, boolean pendingOnly,
    OptionalLong timeoutSeconds) {

  public static final RestartConditions NONE =
      new RestartConditions(Optional.empty(), OptionalInt.empty(), false, OptionalLong.empty());

  /** Patroni's {@code restart_matches}: every given filter holds for this node as observed. */
  public boolean matches(LocalPg pg) {
    if (role.isPresent() && !role.get().equals(pg.isPrimary() ? "master" : "replica")) {
      return false;
    }
    if (postgresVersion.isPresent()
        && pg.status().map(s -> s.serverVersion() >= postgresVersion.getAsInt()).orElse(true)) {
      return false;
    }
    return !pendingOnly || pg.status().map(s -> s.pendingRestart()).orElse(false);
  }
}
