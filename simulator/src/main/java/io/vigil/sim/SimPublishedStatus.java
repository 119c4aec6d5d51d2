package io.vigil.sim;

import io.vigil.agent.ha.NodeSettings;
import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.PeerStatus;
import io.vigil.postgres.PgStatus;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What one agent's REST API serves (the daemon's PublishedStatus): the snapshot of the last published
 * cycle, never a live query. The lock flag is valid for ttl after the observation that proved it, and
 * only while ZooKeeper answered within the liveness timeout, both measured on the node's monotonic
 * clock (a stepped wall clock cannot extend them); stepping down or stopping PostgreSQL drops it at once.
 */
final class SimPublishedStatus {

  private final LongSupplier lastDcsContact;
  private final long contactLimitMs;
  private Optional<Observation> observation = Optional.empty();
  private String state = "stopped";
  private long lockValidUntil;
  /** PublishedStatus.failsafeLeaseUntil: a primary kept running by failsafe answers /primary until then. */
  private long failsafeLeaseUntil;
  private boolean postgresDown = true;

  SimPublishedStatus(LongSupplier lastDcsContact, long contactLimitMs) {
    this.lastDcsContact = lastDcsContact;
    this.contactLimitMs = contactLimitMs;
  }

  void publish(Observation o, long observedAtMonotonic, String pgState, long ttlMs, long failsafeLeaseUntil) {
    this.failsafeLeaseUntil = failsafeLeaseUntil;
    observation = Optional.of(o);
    state = pgState;
    lockValidUntil = o.holdsLock() ? observedAtMonotonic + ttlMs : 0;
    postgresDown = false;
  }

  void setPgState(String next) {
    state = next;
  }

  void dropLock() {
    lockValidUntil = 0;
    failsafeLeaseUntil = 0;
  }

  /** About to stop PostgreSQL: no lock, no WAL position, so nobody takes this node for a live primary. */
  void postgresStopping() {
    state = "stopping";
    lockValidUntil = 0;
    failsafeLeaseUntil = 0;
    postgresDown = true;
  }

  private Optional<PgStatus> pg() {
    return postgresDown ? Optional.empty() : observation.flatMap(o -> o.pg().status());
  }

  /** {@code GET /primary} answers 200: the lock flag holds and PostgreSQL was seen running as primary. */
  boolean primaryOk(long monotonicNow) {
    boolean holdsLock = monotonicNow < lockValidUntil && monotonicNow - lastDcsContact.getAsLong() < contactLimitMs
        || monotonicNow < failsafeLeaseUntil;
    return holdsLock && pg().map(p -> !p.inRecovery()).orElse(false) && "running".equals(state);
  }

  /** The answer PeerClient parses from {@code GET /patroni}: an {@code xlog} section only when PostgreSQL answered. */
  PeerStatus peerStatus(String name) {
    Optional<PgStatus> pg = pg();
    if (pg.isEmpty()) {
      return PeerStatus.unreachable(name);
    }
    PgStatus p = pg.get();
    // the document carries the node's tags, which PeerClient reads as FailoverTags does
    NodeSettings tags = observation.orElseThrow().settings();
    if (!p.inRecovery() && p.writeLsn() > 0) {
      return new PeerStatus(name, true, true, p.writeLsn(), tags.nofailover(), p.timeline(), tags.failoverPriority());
    }
    long received = p.receiveLsn() > 0 ? p.receiveLsn() : p.replayLsn();
    return new PeerStatus(name, true, false, Math.max(received, p.replayLsn()), tags.nofailover(), p.timeline(),
        tags.failoverPriority());
  }
}
