package io.vigil.agent.ha;

import io.vigil.postgres.RecoveryTarget;
import java.util.Optional;

/**
 * What the agent carries from one cycle to the next. It is an input and an output of every decision,
 * so a cycle is a pure function of (observation, memory) and the simulator can replay it.
 *
 * @param pgState          the PostgreSQL state the agent publishes ("running", "creating replica", ...)
 * @param initializeWon    this node created {@code /initialize} and must bootstrap the cluster
 * @param following        the upstream the local recovery configuration points to, when known
 * @param cycle            number of the cycle that produced this memory
 * @param rewindPending    this node was a primary and another node leads now: its timeline may have
 *                         forked, so it must be rewound before it can stream from the leader
 * @param rewindFailures   failed rewind attempts since the last success (bounded retries)
 * @param startFailedSince when the first of the current run of failed starts happened (0 = none)
 * @param scheduledRestart a restart the operator scheduled on this node
 * @param prePromoteFailedAt when {@code postgresql.pre_promote} last refused a promotion (0 = never): the node
 *                         gives the lock back and stays out of leader races for ttl
 * @param handoverWaitSince since when this node waits on a planned handover (0 = not waiting): as the leader, for
 *                         its candidate to stream from it; as the candidate holding the lock, for the old leader's
 *                         final WAL. Bounded by {@link Handover#WAIT_MS}
 * @param handoverAbandonedAt when this node, as a switchover candidate, gave the lock back without the old leader's
 *                         final WAL (0 = never): like a pre_promote refusal, it stays out of leader races for ttl
 * @param syncConfirmLsn   synchronous mode, leader: the position a standby PostgreSQL newly waits for must have
 *                         flushed before it may enter {@code /sync} (0 = not armed)
 * @param lockGoneAt       when this node first saw the cluster without a leader lock since it last saw another
 *                         node hold it (0 = a leader is there): where a promotion's time to writable starts
 * @param lastPromotion    what this node's last promotion cost (written into {@code /history} and /metrics)
 * @param walReceiverWokenAt when this replica last reloaded PostgreSQL to make a walreceiver that had given up retry
 *                         at once (0 = never); see {@link HaCore}'s WAKE_WALRECEIVER. For a standby leader: when it
 *                         last pointed PostgreSQL at the remote primary (a start or a reload), see {@link StandbyLeader}
 * @param failsafeActive   this primary runs on failsafe: its last cycle could not read ZooKeeper and every member
 *                         accepted its {@code POST /failsafe} (published as {@code failsafe_mode_is_active})
 */
public record AgentMemory(
    String pgState,
    boolean initializeWon,
    Optional<RecoveryTarget> following,
    long cycle,
    boolean rewindPending,
    int rewindFailures,
    long startFailedSince,
    Optional<ScheduledRestart> scheduledRestart,
    long prePromoteFailedAt,
    long handoverWaitSince,
    long handoverAbandonedAt,
    long syncConfirmLsn,
    long lockGoneAt,
    Optional<PromotionCost> lastPromotion,
    long walReceiverWokenAt,
    boolean failsafeActive) {

  /** After this many failed pg_rewind runs the node stops trying and says so. */
  public static final int MAX_REWIND_ATTEMPTS = 3;

  public static AgentMemory initial() {
    return new AgentMemory("stopped", false, Optional.empty(), 0, false, 0, 0, Optional.empty(), 0, 0, 0, 0, 0,
        Optional.empty(), 0, false);
  }

  public AgentMemory withPgState(String s) {
    return edit(m -> m.pgState = s);
  }

  public AgentMemory withInitializeWon(boolean won) {
    return edit(m -> m.initializeWon = won);
  }

  public AgentMemory withFollowing(Optional<RecoveryTarget> target) {
    return edit(m -> m.following = target);
  }

  public AgentMemory withRewindPending(boolean pending) {
    return edit(m -> {
      m.rewindPending = pending;
      m.rewindFailures = pending ? rewindFailures : 0;
    });
  }

  public AgentMemory withRewindFailed() {
    return edit(m -> m.rewindFailures = rewindFailures + 1);
  }

  public AgentMemory withStartFailed(long now) {
    return edit(m -> m.startFailedSince = startFailedSince == 0 ? now : startFailedSince);
  }

  public AgentMemory withStartSucceeded() {
    return edit(m -> m.startFailedSince = 0);
  }

  public AgentMemory withScheduledRestart(Optional<ScheduledRestart> restart) {
    return edit(m -> m.scheduledRestart = restart);
  }

  public AgentMemory withPrePromoteFailed(long at) {
    return edit(m -> m.prePromoteFailedAt = at);
  }

  public AgentMemory withHandoverWaitSince(long since) {
    return edit(m -> m.handoverWaitSince = since);
  }

  public AgentMemory withHandoverAbandoned(long at) {
    return edit(m -> {
      m.handoverWaitSince = 0;
      m.handoverAbandonedAt = at;
    });
  }

  public AgentMemory withSyncConfirmLsn(long lsn) {
    return edit(m -> m.syncConfirmLsn = lsn);
  }

  public AgentMemory withLockGoneAt(long at) {
    return edit(m -> m.lockGoneAt = at);
  }

  public AgentMemory withLastPromotion(PromotionCost cost) {
    return edit(m -> m.lastPromotion = Optional.of(cost));
  }

  public AgentMemory withWalReceiverWokenAt(long at) {
    return edit(m -> m.walReceiverWokenAt = at);
  }

  public AgentMemory withFailsafeActive(boolean active) {
    return edit(m -> m.failsafeActive = active);
  }

  /** Why this node must stay out of leader races for now (a refused or abandoned promotion less than ttl ago). */
  Optional<String> standingDown(long nowMillis, int ttlSeconds) {
    if (prePromoteRefusedRecently(nowMillis, ttlSeconds)) {
      return Optional.of("pre_promote refused my last promotion less than ttl (" + ttlSeconds + " s) ago");
    }
    if (handoverAbandonedAt > 0 && nowMillis - handoverAbandonedAt < ttlSeconds * 1000L) {
      return Optional.of("i gave up a switchover less than ttl (" + ttlSeconds + " s) ago without the old leader's "
          + "final WAL");
    }
    return Optional.empty();
  }

  /** The pre_promote script refused a promotion less than ttl ago. */
  boolean prePromoteRefusedRecently(long nowMillis, int ttlSeconds) {
    return prePromoteFailedAt > 0 && nowMillis - prePromoteFailedAt < ttlSeconds * 1000L;
  }

  public AgentMemory nextCycle() {
    return edit(m -> m.cycle = cycle + 1);
  }

  /** A copy of this memory with the changes {@code change} makes to its fields. */
  private AgentMemory edit(java.util.function.Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return f.build();
  }

  /** The record's components, mutable for one {@link #edit}. */
  private static final class Fields {
    String pgState;
    boolean initializeWon;
    Optional<RecoveryTarget> following;
    long cycle;
    boolean rewindPending;
    int rewindFailures;
    long startFailedSince;
    Optional<ScheduledRestart> scheduledRestart;
    long prePromoteFailedAt;
    long handoverWaitSince;
    long handoverAbandonedAt;
    long syncConfirmLsn;
    long lockGoneAt;
    Optional<PromotionCost> lastPromotion;
    long walReceiverWokenAt;
    boolean failsafeActive;

    Fields(AgentMemory m) {
      pgState = m.pgState;
      initializeWon = m.initializeWon;
      following = m.following;
      cycle = m.cycle;
      rewindPending = m.rewindPending;
      rewindFailures = m.rewindFailures;
      startFailedSince = m.startFailedSince;
      scheduledRestart = m.scheduledRestart;
      prePromoteFailedAt = m.prePromoteFailedAt;
      handoverWaitSince = m.handoverWaitSince;
      handoverAbandonedAt = m.handoverAbandonedAt;
      syncConfirmLsn = m.syncConfirmLsn;
      lockGoneAt = m.lockGoneAt;
      lastPromotion = m.lastPromotion;
      walReceiverWokenAt = m.walReceiverWokenAt;
      failsafeActive = m.failsafeActive;
    }

    AgentMemory build() {
      return new AgentMemory(pgState, initializeWon, following, cycle, rewindPending, rewindFailures, startFailedSince,
          scheduledRestart, prePromoteFailedAt, handoverWaitSince, handoverAbandonedAt, syncConfirmLsn, lockGoneAt,
          lastPromotion, walReceiverWokenAt, failsafeActive);
    }
  }
}
