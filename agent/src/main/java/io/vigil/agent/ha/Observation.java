package io.vigil.agent.ha;

import io.vigil.dcs.ClusterView;
import java.util.List;
import java.util.Optional;

/**
 * One immutable snapshot of everything a cycle decides on. Gathered by the I/O shell before
 * {@link HaCore#decide} runs; nothing in it changes while the core decides.
 *
 * @param nowMillis  wall-clock time of the observation (the core never reads a clock)
 * @param view       the cluster as read from the DCS; empty when the read failed
 * @param dcsError   why the read failed, when it did
 * @param mySession  this agent's DCS session id; the leader lock is ours only if it carries this id
 * @param pg         local PostgreSQL
 * @param peers      peer answers, polled only when the leader key is missing
 * @param guards     the watchdog and the fence as the shell found them
 * @param failsafeRound  the failsafe confirmation round the shell ran because the DCS read failed on a primary with
 *                   failsafe mode on; empty when it ran none
 * @param failsafeLeader the last {@code POST /failsafe} this node accepted, if any (the core judges its age)
 */
public record Observation(
    long nowMillis,
    Optional<ClusterView> view,
    Optional<String> dcsError,
    long mySession,
    LocalPg pg,
    List<PeerStatus> peers,
    NodeSettings settings,
    Guards guards,
    Optional<FailsafeRound> failsafeRound,
    Optional<FailsafeLeader> failsafeLeader) {

  /** No failsafe round, no failsafe leader remembered. */
  public Observation(long nowMillis, Optional<ClusterView> view, Optional<String> dcsError, long mySession, LocalPg pg,
      List<PeerStatus> peers, NodeSettings settings, Guards guards) {
    this(nowMillis, view, dcsError, mySession, pg, peers, settings, guards, Optional.empty(), Optional.empty());
  }

  /** A node without watchdog or fence. */
  public Observation(long nowMillis, Optional<ClusterView> view, Optional<String> dcsError, long mySession, LocalPg pg,
      List<PeerStatus> peers, NodeSettings settings) {
    this(nowMillis, view, dcsError, mySession, pg, peers, settings, Guards.NONE);
  }

  public Observation withSettings(NodeSettings s) {
    return new Observation(nowMillis, view, dcsError, mySession, pg, peers, s, guards, failsafeRound, failsafeLeader);
  }

  public Observation withFailsafe(Optional<FailsafeRound> round, Optional<FailsafeLeader> leader) {
    return new Observation(nowMillis, view, dcsError, mySession, pg, peers, settings, guards, round, leader);
  }

  /**
   * The primary keeps running without ZooKeeper (wire spec 3.2 row E): the read failed, failsafe mode is on, not paused,
   * and every member of the last {@code /failsafe} accepted this cycle's round.
   */
  public boolean keepsPrimaryOnFailsafe() {
    return view.isEmpty() && pg.running() && pg.isPrimary() && settings.dynamic().failsafeMode()
        && !settings.dynamic().pause() && failsafeRound.map(FailsafeRound::accepted).orElse(false);
  }

  /**
   * The member whose {@code POST /failsafe} this node accepted less than ttl ago, while failsafe mode is on and it is
   * not itself that member: it counts as the leader while the cluster has no leader lock.
   */
  public Optional<FailsafeLeader> rememberedFailsafeLeader() {
    if (!settings.dynamic().failsafeMode()) {
      return Optional.empty();
    }
    return failsafeLeader.filter(l -> !l.name().equals(settings.name()))
        .filter(l -> l.fresh(nowMillis, settings.dynamic().ttl()));
  }

  /** The lock is ours: the leader znode names us and our session owns it. */
  public boolean holdsLock() {
    return view.map(v -> v.isLockedBy(settings.name(), mySession)).orElse(false);
  }

  /** The leader znode names us but another (older) session of ours owns it. */
  public boolean lockNamesMeWithOtherSession() {
    return view.flatMap(ClusterView::leader)
        .map(l -> l.name().equals(settings.name()) && l.session() != mySession)
        .orElse(false);
  }

  /**
   * The leader znode belongs to my session (it is ephemeral: nobody else can own it while the session lives) but
   * names another member: another client overwrote its value. The lock is still mine.
   */
  public boolean lockMineButRenamed() {
    return view.flatMap(ClusterView::leader)
        .map(l -> l.session() == mySession && mySession != 0 && !l.name().equals(settings.name()))
        .orElse(false);
  }

  /**
   * This cycle repairs a leader znode that is mine (re-created under my new session, or my name written back): nobody
   * else can take it meanwhile, but the cycle does not confirm it either, so the proof from earlier cycles stands
   * as it was, neither extended nor dropped.
   */
  public boolean repairsOwnLock() {
    return lockNamesMeWithOtherSession() || lockMineButRenamed();
  }

  public Optional<String> leaderName() {
    return view.flatMap(ClusterView::leader).map(l -> l.name());
  }
}
