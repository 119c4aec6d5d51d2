package io.vigil.agent.ha;

import io.vigil.postgres.RecoveryTarget;
import io.vigil.postgres.SlotSpec;
import io.vigil.postgres.SlotTarget;
import io.vigil.postgres.StopMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The effects a decision asks the I/O shell to carry out, in order. */
public sealed interface Action {

  /** Actions that only keep the DCS up to date; a decision made of these alone is steady state. */
  default boolean housekeeping() {
    return false;
  }

  /** Create {@code /initialize} with an empty value; the result is remembered as {@code initializeWon}. */
  record RaceInitialize() implements Action {}

  /** initdb, configure, start, create roles, then publish the sysid, {@code /config} and take the lock. */
  record BootstrapCluster(Map<String, Object> dynamicConfig) implements Action {}

  /**
   * Standby cluster bootstrap (wire spec 3.8): pg_basebackup from the remote primary, start as its replica, then
   * publish the sysid, {@code /config} and take the lock, as {@link BootstrapCluster} does after initdb.
   */
  record BootstrapStandbyCluster(RecoveryTarget remote, Map<String, Object> dynamicConfig) implements Action {}

  /** pg_basebackup from the named member, then start following it. */
  record CloneFrom(String member, String host, int port) implements Action {}

  /**
   * Write the configuration for the role and start PostgreSQL. A replica without upstream runs
   * read-only until a leader exists (it never starts as a primary without the lock).
   */
  record StartPostgres(boolean asReplica, Optional<RecoveryTarget> upstream) implements Action {}

  record StopPostgres(StopMode mode) implements Action {}

  /**
   * Restart PostgreSQL in its current role (fast stop, start), keeping the lock; with a timeout the start
   * is awaited that long at most. An operator's request, scheduled in advance.
   */
  record RestartPostgres(java.util.OptionalLong timeoutSeconds) implements Action {}

  /** Point the running replica at another upstream: rewrite the recovery settings and reload. */
  record Follow(RecoveryTarget target) implements Action {}

  /**
   * Reload PostgreSQL, nothing else: a standby whose walreceiver failed sleeps wal_retrieve_retry_interval (5 s by
   * default) before it tries again, and a SIGHUP ends that sleep.
   */
  record WakeWalReceiver() implements Action {}

  /**
   * Run {@code postgresql.pre_promote}, if configured; anything but exit status 0 aborts the promotion (and the
   * memory remembers the refusal). It runs before {@link RecordPromotion}: a refused promotion must leave no
   * timeline switch in {@code /history}, or every node would wait for a timeline that never comes.
   */
  record PrePromote() implements Action {}

  /**
   * Before promoting, record the coming timeline switch in {@code /history}, so that no node left on
   * the old timeline can win a later race even if this node loses ZooKeeper right after promoting.
   * A failed write aborts the promotion.
   */
  record RecordPromotion(List<List<Object>> history) implements Action {}

  /**
   * pg_ctl promote, then a CHECKPOINT so pg_rewind on the old primary sees the new timeline. The executor measures
   * what the promotion cost (see {@link PromotionCost}) from these inputs of the decision.
   *
   * @param lockGoneAt  when this node saw the leader lock gone (0 = unknown)
   * @param bytesAtRisk the old leader's last published position minus this node's
   * @param synchronous the cluster runs in synchronous mode (only a synchronous standby promotes)
   */
  record Promote(long lockGoneAt, long bytesAtRisk, boolean synchronous) implements Action {}

  /**
   * pg_rewind from the leader (after a clean stop and crash recovery when needed). On failure the
   * executor wipes the data directory when the configuration allows it, so the next cycle clones.
   */
  record Rewind(String member, String host, int port) implements Action {}

  /**
   * Switchover, old leader's side: stop PostgreSQL cleanly (the shutdown checkpoint reaches the
   * replicas), publish that final LSN as the optime, then release the lock so the candidate takes it.
   */
  record GracefulDemote(String candidate) implements Action {}

  /** Clear {@code /failover} ({@code {}}); with a version only if nobody wrote a newer request. */
  record ClearFailover(java.util.OptionalInt expectedVersion) implements Action {
    @Override public boolean housekeeping() { return true; }
  }

  /**
   * Nothing to do yet, but something is about to change (a scheduled switchover or restart): run the next
   * cycle after this delay instead of a full loop_wait.
   */
  record RecheckSoon(long millis) implements Action {}

  /** Give the leader lock up (delete our znode), e.g. after PostgreSQL failed to start for too long. */
  record ReleaseLock() implements Action {}

  record AcquireLock() implements Action {}

  /** Re-create the leader znode under our session when a previous session of ours still owns it. */
  record ReclaimLock() implements Action {}

  /** Write my name back into the leader znode my session owns, whose value another client changed. */
  record RenameLock() implements Action {}

  record SetInitialize(String sysid) implements Action {}

  record WriteConfig(Map<String, Object> config) implements Action {
    @Override public boolean housekeeping() { return true; }
  }

  /** Write {@code /status}: the leader's WAL position and its permanent slots' positions (wire spec 1.5). */
  record WriteStatus(long optime, Map<String, Long> slots) implements Action {
    public WriteStatus {
      slots = Map.copyOf(slots);
    }

    public WriteStatus(long optime) {
      this(optime, Map.of());
    }

    @Override public boolean housekeeping() { return true; }
  }

  /**
   * Rebuild {@code /history} from the timeline history file of the leader's current timeline; the newest line's
   * reason also says what this node's promotion to it cost, when known.
   */
  record UpdateHistory(int timeline, java.util.Optional<PromotionCost> cost) implements Action {
    @Override public boolean housekeeping() { return true; }
  }

  /**
   * Synchronous mode: write {@code /sync} (built with {@code SyncNode.value} or {@code off}), compare-and-set on the
   * version when given. Not housekeeping: a failed write stops the cycle's later actions, e.g. a change of
   * {@code synchronous_standby_names} that must come after it.
   */
  record WriteSync(Map<String, Object> value, java.util.OptionalInt expectedVersion) implements Action {}

  /** Set {@code synchronous_standby_names} in the configuration PostgreSQL runs with, and reload it. */
  record SetSyncStandbyNames(String value) implements Action {}

  /**
   * Make the local replication slots match {@code target} (wire spec 3.13). {@code problems} are the permanent slot
   * entries left out (invalid name, bad value, conflict), to be reported once, not every cycle.
   */
  record SyncSlots(SlotTarget target, List<String> problems) implements Action {
    public SyncSlots {
      problems = List.copyOf(problems);
    }

    @Override public boolean housekeeping() { return true; }
  }

  /**
   * A replica copies the permanent logical slots it lacks from the primary at {@code host:port}: read their state
   * there, stop PostgreSQL, install them, start it again as it was. Not housekeeping: PostgreSQL restarts.
   */
  record CopyLogicalSlots(String host, int port, List<SlotSpec> slots) implements Action {
    public CopyLogicalSlots {
      slots = List.copyOf(slots);
    }
  }

  record TouchMember(Map<String, Object> data) implements Action {
    @Override public boolean housekeeping() { return true; }
  }

  /**
   * Arm the fence and activate the watchdog (when asked to) before this node becomes or stays the writable primary:
   * the deadline is {@code timeoutSeconds} after the start of the cycle's ZooKeeper read. A failure aborts what
   * follows, e.g. the promotion.
   */
  record ArmGuards(int timeoutSeconds, boolean watchdog, boolean fence) implements Action {}

  /** Move the armed guards' deadline: the cycle's read found the lock still ours. */
  record FeedGuards(int timeoutSeconds, boolean watchdog, boolean fence) implements Action {
    @Override public boolean housekeeping() { return true; }
  }

  /**
   * Write {@code /failsafe} (wire spec 1.9): every member's REST API URL and the leader's own, written by the leader
   * while failsafe mode is on whenever it differs from what the cycle read.
   */
  record WriteFailsafe(Map<String, String> members) implements Action {
    public WriteFailsafe {
      members = Map.copyOf(members);
    }

    @Override public boolean housekeeping() { return true; }
  }

  /** Nothing stops PostgreSQL at a deadline any more (the watchdog gets the magic close). */
  record DisarmGuards() implements Action {}

  /** Stop the agent: continuing could damage data (e.g. the data directory belongs to another cluster). */
  record Exit(int code, String message) implements Action {}
}
