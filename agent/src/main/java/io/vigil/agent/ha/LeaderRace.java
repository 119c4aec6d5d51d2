package io.vigil.agent.ha;

import java.util.Optional;

/**
 * Am I the healthiest node to take a free leader lock (wire spec 3.11.1)? A node races only if no
 * peer is a running primary or ahead in WAL, it is allowed to fail over, and it is not lagging
 * beyond {@code maximum_lag_on_failover} behind the last known leader position.
 */
final class LeaderRace {

  private LeaderRace() {}

  /** Empty when this node may race; otherwise the reason it must not. */
  static Optional<String> whyNotHealthiest(Observation o) {
    LocalPg pg = o.pg();
    if (pg.isPrimary()) {
      return Optional.empty();
    }
    if (o.settings().nofailover()) {
      return Optional.of("i am not allowed to promote (nofailover)");
    }
    long myWal = pg.walPosition();
    long maxLag = o.settings().dynamic().maximumLagOnFailover();
    var optime = o.view().flatMap(v -> v.optime().isPresent() ? Optional.of(v.optime().getAsLong()) : Optional.empty());
    if (optime.isPresent() && optime.get() - myWal > maxLag) {
      return Optional.of("my wal position " + myWal + " lags " + (optime.get() - myWal)
          + " bytes behind the last leader position, more than maximum_lag_on_failover " + maxLag);
    }
    for (PeerStatus peer : o.peers()) {
      if (!peer.reachable() || peer.nofailover()) {
        continue;
      }
      if (peer.primary()) {
        return Optional.of("primary " + peer.name() + " is still alive");
      }
      if (peer.walPosition() > myWal) {
        return Optional.of(peer.name() + " has a higher wal position (" + peer.walPosition() + " > " + myWal + ")");
      }
    }
    return Optional.empty();
  }
}
