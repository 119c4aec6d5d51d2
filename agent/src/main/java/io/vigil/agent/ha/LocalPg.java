package io.vigil.agent.ha;

import io.vigil.postgres.PgStatus;
import io.vigil.postgres.SlotInfo;
import java.util.List;
import java.util.Optional;

/**
 * What the agent saw of its own PostgreSQL at the start of a cycle.
 *
 * @param dataDir      whether the data directory holds a cluster
 * @param running      a live postmaster owns the data directory
 * @param status       the result of the status query; empty when PostgreSQL is down or did not answer
 * @param sysid        the database system identifier from pg_controldata, when the data directory has one
 * @param wasPrimary   PostgreSQL is down and pg_control says it last ran as a primary (its timeline may
 *                     have forked from a newer leader's)
 * @param slots        the server's non-temporary replication slots; empty when unknown (PostgreSQL down, or the
 *                     query failed): then nothing is decided from their absence
 */
public record LocalPg(DataDir dataDir, boolean running, Optional<PgStatus> status, Optional<String> sysid,
    boolean wasPrimary, Optional<List<SlotInfo>> slots) {

  public LocalPg {
    slots = slots.map(List::copyOf);
  }

  public LocalPg(DataDir dataDir, boolean running, Optional<PgStatus> status, Optional<String> sysid,
      boolean wasPrimary) {
    this(dataDir, running, status, sysid, wasPrimary, Optional.empty());
  }

  public LocalPg(DataDir dataDir, boolean running, Optional<PgStatus> status, Optional<String> sysid) {
    this(dataDir, running, status, sysid, false);
  }

  public LocalPg withSlots(List<SlotInfo> observed) {
    return new LocalPg(dataDir, running, status, sysid, wasPrimary, Optional.of(observed));
  }

  public enum DataDir { EMPTY, INITIALIZED, NOT_ACCESSIBLE }

  public boolean isPrimary() {
    return status.map(s -> !s.inRecovery()).orElse(false);
  }

  public boolean isReplica() {
    return status.map(PgStatus::inRecovery).orElse(false);
  }

  public long walPosition() {
    return status.map(PgStatus::walPosition).orElse(0L);
  }

  public int timeline() {
    return status.map(PgStatus::timeline).orElse(0);
  }
}
