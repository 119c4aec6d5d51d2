package io.vigil.agent.ha;

import io.vigil.config.StandbyCluster;
import io.vigil.dcs.ClusterView;
import io.vigil.postgres.RecoveryTarget;
import io.vigil.postgres.StopMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lock holder of a standby cluster (wire spec 3.18): a replica of the remote primary named in
 * {@code standby_cluster}, which the other members follow. It never promotes while the section is set; removing the
 * section from {@code /config} is how an operator promotes the standby cluster (the usual promotion then runs).
 */
final class StandbyLeader {

  static final String ROLE = "standby_leader";

  /**
   * How long after pointing PostgreSQL at the remote primary a missing walreceiver is still "connecting", not a
   * problem worth a warning: two of PostgreSQL's default wal_retrieve_retry_interval.
   */
  static final long CONNECT_GRACE_MS = 2 * HaCore.WAKE_INTERVAL_MS;

  private StandbyLeader() {}

  static Optional<StandbyCluster> section(Observation o) {
    return o.settings().dynamic().standbyCluster();
  }

  /**
   * What the standby leader follows: the remote primary with the section's slot and recovery settings, or (archive
   * only, or a section that cannot be followed) no upstream at all, so PostgreSQL stays in recovery.
   */
  static RecoveryTarget remote(StandbyCluster s) {
    if (s.streams()) {
      return new RecoveryTarget(s.host().orElseThrow(), s.port(), s.primarySlotName(), s.recoverySettings());
    }
    return RecoveryTarget.archiveOnly(s.recoverySettings());
  }

  /** I hold the lock of a standby cluster and PostgreSQL answers. */
  static HaCore.Step withLock(Observation o, ClusterView view, AgentMemory memory, StandbyCluster s) {
    String me = o.settings().name();
    LocalPg pg = o.pg();
    RecoveryTarget remote = remote(s);
    boolean paused = o.settings().dynamic().pause();
    if (pg.isPrimary()) {
      if (paused) {
        return new HaCore.Step(Rule.PAUSED, "no action: standby_cluster is set but the cluster is paused; this "
            + "primary becomes a standby leader when it is resumed", List.of(), memory);
      }
      // Patroni demotes a primary whose /config gained standby_cluster and lets it follow the remote primary: what was
      // written here and not on the remote is no longer served (the operator asked for this cluster to be a standby).
      return new HaCore.Step(Rule.DEMOTE_TO_STANDBY_LEADER, "demoting self to a standby leader following "
          + s.describe() + ": standby_cluster is set in /config",
          List.of(new Action.StopPostgres(StopMode.FAST), new Action.StartPostgres(true, Optional.of(remote))),
          memory.withFollowing(Optional.of(remote)).withRewindPending(false).withWalReceiverWokenAt(o.nowMillis()));
    }
    List<Action> actions = new ArrayList<>();
    if (view.config().map(c -> c.data().isEmpty()).orElse(true)) {
      actions.add(new Action.WriteConfig(o.settings().dynamic().raw()));
    }
    if (view.optime().isEmpty() || view.optime().getAsLong() != pg.walPosition()) {
      actions.add(new Action.WriteStatus(pg.walPosition()));
    }
    if (o.settings().dynamic().useSlots()) {
      actions.add(SlotPlan.sync(o, view, true));
    }
    memory = memory.withRewindPending(false).withHandoverWaitSince(0);
    if (view.failover().isPresent() && !paused) {
      // Patroni hands the standby leader role over; Vigil's handover relies on a primary's shutdown checkpoint. A
      // request left in place would keep the other members deferring to its candidate in a later race.
      actions.add(new Action.ClearFailover(java.util.OptionalInt.of(view.failover().get().version())));
      return new HaCore.Step(Rule.MANUAL_FAILOVER_CLEARED, "removed the switchover/failover request: Vigil does not "
          + "hand the standby leader role over (remove standby_cluster from /config to promote this cluster)",
          actions, memory);
    }
    if (!paused && !Optional.of(remote).equals(memory.following())) {
      // Patroni's words while the member key does not say standby_leader yet (the lock is new), then what changes.
      boolean known = view.member(me).flatMap(m -> m.role()).filter(ROLE::equals).isPresent();
      actions.add(0, new Action.Follow(remote, !known));
      String became = known ? "" : "promoted self to a standby leader because i had the session lock: ";
      return new HaCore.Step(Rule.FOLLOW_REMOTE_PRIMARY, became + "changing primary_conninfo to follow the remote "
          + "primary " + s.describe(), actions,
          memory.withFollowing(Optional.of(remote)).withWalReceiverWokenAt(o.nowMillis()));
    }
    if (s.problem().isPresent()) {
      return new HaCore.Step(Rule.STANDBY_CLUSTER_UNUSABLE, "no action. I am (" + me + "), the standby leader with "
          + "the lock, following nothing: " + s.problem().get() + "; not promoting while standby_cluster is set",
          actions, memory);
    }
    boolean streaming = pg.status().flatMap(st -> st.receiverConninfo()).isPresent();
    boolean connecting = o.nowMillis() - memory.walReceiverWokenAt() < CONNECT_GRACE_MS;
    if (s.streams() && !streaming && connecting) {
      return new HaCore.Step(Rule.STANDBY_LEADER, "no action. I am (" + me + "), the standby leader with the lock, "
          + "connecting to the remote primary " + s.describe(), actions, memory);
    }
    if (s.streams() && !streaming) {
      return new HaCore.Step(Rule.STANDBY_LEADER_NOT_STREAMING, "no action. I am (" + me + "), the standby leader "
          + "with the lock, not streaming from the remote primary " + s.describe() + " (PostgreSQL keeps retrying); "
          + "not promoting while standby_cluster is set", actions, memory);
    }
    return new HaCore.Step(Rule.STANDBY_LEADER, "no action. I am (" + me + "), the standby leader with the lock",
        actions, memory);
  }

  /** I hold the lock of a standby cluster and PostgreSQL is down: start it as a replica of the remote primary. */
  static HaCore.Step startWithLock(Observation o, AgentMemory memory, StandbyCluster s) {
    RecoveryTarget remote = remote(s);
    return new HaCore.Step(Rule.START_AS_STANDBY_LEADER, "starting as the standby leader following "
        + s.describe(), List.of(new Action.StartPostgres(true, Optional.of(remote))),
        memory.withFollowing(Optional.of(remote)).withRewindPending(false).withWalReceiverWokenAt(o.nowMillis()));
  }

  /**
   * Bootstrap of a standby cluster: the node that won {@code /initialize} clones from the remote primary instead of
   * running initdb (Vigil clones with pg_basebackup whatever {@code create_replica_methods} says).
   */
  static HaCore.Step bootstrap(Observation o, AgentMemory memory, StandbyCluster s) {
    RecoveryTarget remote = remote(s);
    NodeSettings settings = o.settings();
    return new HaCore.Step(Rule.BOOTSTRAP_STANDBY_CLUSTER, "trying to bootstrap a standby cluster from the remote "
        + "primary " + s.describe(), List.of(new Action.BootstrapStandbyCluster(remote, settings.bootstrapDcs())),
        memory.withInitializeWon(false).withFollowing(Optional.of(remote)).withWalReceiverWokenAt(o.nowMillis()));
  }

  /** A standby cluster can be created only by cloning a remote primary: without a host there is nothing to clone. */
  static Optional<HaCore.Step> cannotBootstrap(AgentMemory memory, StandbyCluster s) {
    if (s.streams()) {
      return Optional.empty();
    }
    return Optional.of(new HaCore.Step(Rule.WAIT_FOR_LEADER_BOOTSTRAP, "waiting for leader to bootstrap: a standby "
        + "cluster is created by cloning its remote primary with pg_basebackup, and standby_cluster names no host"
        + s.problem().map(p -> " (" + p + ")").orElse(""), List.of(), memory));
  }
}
