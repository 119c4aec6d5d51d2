package io.vigil.postgres;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One consistent reading of the running PostgreSQL, taken by a single query (spec §4.6).
 *
 * @param inRecovery          {@code pg_is_in_recovery()}: true on a replica
 * @param timeline            primary: current timeline; replica: the walreceiver's received timeline,
 *                            without a walreceiver, the newest timeline among the WAL segments in
 *                            pg_wal (the WAL this node holds), then the last restartpoint's timeline
 *                            (which lags: it moves only at restartpoints)
 * @param writeLsn            primary: {@code pg_current_wal_lsn()}; replica: 0
 * @param receiveLsn          {@code pg_last_wal_receive_lsn()}, 0 when none
 * @param replayLsn           {@code pg_last_wal_replay_lsn()}, 0 when none
 * @param replayPaused        a replica whose replay is paused
 * @param postmasterStartTime {@code pg_postmaster_start_time()} formatted as Python's {@code str()}
 *                            formats a datetime, in this host's time zone
 *                            ({@code 2024-05-01 10:00:00.123456+00:00})
 * @param serverVersion       {@code server_version_num}, e.g. 150006
 * @param pendingRestart      some setting in {@code pg_settings} waits for a restart to take effect
 * @param receiverSlot        slot the walreceiver streams from
 * @param receiverConninfo    the walreceiver's effective conninfo (password masked by PostgreSQL)
 * @param replication         WAL senders on this server, ordered by pid
 * @param synchronousStandbyNames {@code current_setting('synchronous_standby_names')} as PostgreSQL applies it
 *                            (after the last reload), {@code ""} when not set; see {@link SyncStandbyNames#parse}
 */
public record PgStatus(boolean inRecovery, int timeline, long writeLsn, long receiveLsn,
    long replayLsn, boolean replayPaused, String postmasterStartTime, int serverVersion, boolean pendingRestart,
    Optional<String> receiverSlot, Optional<String> receiverConninfo,
    List<ReplicationRow> replication, String synchronousStandbyNames) {

  public PgStatus {
    Objects.requireNonNull(postmasterStartTime, "postmasterStartTime");
    Objects.requireNonNull(receiverSlot, "receiverSlot");
    Objects.requireNonNull(receiverConninfo, "receiverConninfo");
    Objects.requireNonNull(synchronousStandbyNames, "synchronousStandbyNames");
    replication = List.copyOf(replication);
  }

  /** A status with {@code synchronous_standby_names} unset, for callers that do not care about it. */
  public PgStatus(boolean inRecovery, int timeline, long writeLsn, long receiveLsn, long replayLsn,
      boolean replayPaused, String postmasterStartTime, int serverVersion, boolean pendingRestart,
      Optional<String> receiverSlot, Optional<String> receiverConninfo, List<ReplicationRow> replication) {
    this(inRecovery, timeline, writeLsn, receiveLsn, replayLsn, replayPaused, postmasterStartTime, serverVersion,
        pendingRestart, receiverSlot, receiverConninfo, replication, "");
  }

  /**
   * The member's {@code xlog_location}: primary: the write LSN; replica: the larger of receive and
   * replay LSN, because a replica restored from archive has replayed WAL it never received.
   */
  public long walPosition() {
    if (!inRecovery) {
      return writeLsn;
    }
    return Long.compareUnsigned(receiveLsn, replayLsn) >= 0 ? receiveLsn : replayLsn;
  }
}
