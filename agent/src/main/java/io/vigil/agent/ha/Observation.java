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
 */
public record Observation(
    long nowMillis,
    Optional<ClusterView> view,
    Optional<String> dcsError,
    long mySession,
    LocalPg pg,
    List<PeerStatus> peers,
    NodeSettings settings,
    Guards guards) {

  /** A node without watchdog or fence. */
  public Observation(long nowMillis, Optional<ClusterView> view, Optional<String> dcsError, long mySession, LocalPg pg,
      List<PeerStatus> peers, NodeSettings settings) {
    this(nowMillis, view, dcsError, mySession, pg, peers, settings, Guards.NONE);
  }

  public Observation withSettings(NodeSettings s) {
    return new Observation(nowMillis, view, dcsError, mySession, pg, peers, s, guards);
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

  public Optional<String> leaderName() {
    return view.flatMap(ClusterView::leader).map(l -> l.name());
  }
}
