package io.vigil.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The client commits acknowledged in one run, for invariant 8 and the durability statistics. A commit is kept as
 * the acknowledging primary's WAL cut at the commit's end: it survives in any WAL that shares that content
 * ({@link WalHistory#commonPrefix}), whatever timeline ids say.
 *
 * <p>A commit is acknowledged <em>synchronously</em> when PostgreSQL waited for a synchronous standby (its
 * {@code synchronous_standby_names} was not empty) while {@code /config} had synchronous mode on. Those are promised to
 * survive every failover, for as long as synchronous mode stays on: an operator who switches it off withdraws the
 * promise (any replica within maximum_lag_on_failover may then promote), and the commits acknowledged under it are
 * counted apart ({@code withdrawn}). Every other acknowledged commit is asynchronous: losing it is the price of
 * asynchronous replication, counted and not a violation.
 */
final class CommitLedger {

  /**
   * An acknowledged commit: the acknowledging primary's WAL up to the commit's end, the node, when, and whether the
   * client went through the router (else it wrote to whichever server accepted writes).
   */
  record Ack(String node, WalHistory wal, long atMs, boolean routed) {
    long end() {
      return wal.end();
    }

    @Override
    public String toString() {
      return "the commit ending at " + wal + ", acknowledged synchronously by " + node + " at " + Trace.seconds(atMs);
    }
  }

  private boolean synchronousMode;
  private final List<Ack> async = new ArrayList<>();
  private final List<Ack> sync = new ArrayList<>();
  private final List<Ack> withdrawn = new ArrayList<>();
  /** The synchronously acknowledged commits no other one implies: a WAL holding all of these holds all of them. */
  private final List<Ack> syncFrontier = new ArrayList<>();
  private long unanswered;

  /** {@code /config} was written: synchronous mode on (or strict, or quorum) or off. */
  void synchronousMode(boolean on) {
    if (synchronousMode && !on) {
      withdrawn.addAll(sync);
      sync.clear();
      syncFrontier.clear();
    }
    synchronousMode = on;
  }

  boolean synchronousMode() {
    return synchronousMode;
  }

  /**
   * A commit whose WAL ends {@code wal} was acknowledged by {@code node}; {@code waitedForStandby}: PostgreSQL
   * released it once its synchronous standbys had flushed it. Returns the ack when it is a synchronous one.
   */
  Optional<Ack> acknowledged(String node, WalHistory wal, long atMs, boolean routed, boolean waitedForStandby) {
    Ack a = new Ack(node, wal, atMs, routed);
    if (!waitedForStandby || !synchronousMode) {
      async.add(a);
      return Optional.empty();
    }
    sync.add(a);
    if (syncFrontier.stream().noneMatch(f -> holds(f.wal(), a))) {
      syncFrontier.removeIf(f -> holds(a.wal(), f));
      syncFrontier.add(a);
    }
    return Optional.of(a);
  }

  /** Commits still waiting for their synchronous standbys when their primary stopped: never acknowledged. */
  void unanswered(int count) {
    unanswered += count;
  }

  /** The first synchronously acknowledged commit {@code wal} does not hold, if any. */
  Optional<Ack> syncMissingFrom(WalHistory wal) {
    return syncFrontier.stream().filter(f -> !holds(wal, f)).findFirst();
  }

  /** Whether {@code wal} holds the commit. */
  static boolean holds(WalHistory wal, Ack a) {
    return wal.commonPrefix(a.wal()) >= a.end();
  }

  /** The statistics against the WAL of the run's final primary ({@code null}: none ever, so nothing was acked). */
  CommitStats stats(WalHistory finalWal) {
    if (finalWal == null) {
      return new CommitStats(0, 0, 0, 0, 0, 0, 0, 0, unanswered);
    }
    List<Ack> asyncRouted = async.stream().filter(Ack::routed).toList();
    return new CommitStats(async.size(), lost(async, finalWal), asyncRouted.size(), lost(asyncRouted, finalWal),
        sync.size(), lost(sync, finalWal), withdrawn.size(), lost(withdrawn, finalWal), unanswered);
  }

  private static long lost(List<Ack> acks, WalHistory finalWal) {
    return acks.stream().filter(a -> !holds(finalWal, a)).count();
  }
}
