package io.vigil.agent.ha;

import io.vigil.dcs.FailoverTags;

/**
 * A peer's answer to {@code GET <api_url>} during a leader race (wire spec 3.11).
 *
 * @param name        member name
 * @param reachable   it answered with a status document that has an {@code xlog} section
 * @param primary     its PostgreSQL is not in recovery (the document has {@code xlog.location})
 * @param walPosition primary: location; replica: max(received, replayed)
 * @param nofailover  the peer's own tags say it must not be promoted ({@code nofailover}, or a
 *                    {@code failover_priority} of 0 or less)
 * @param timeline    the peer's timeline; 0 when it did not say
 * @param failoverPriority its {@code failover_priority} tag (Patroni 3.2), which breaks ties in WAL position
 */
public record PeerStatus(String name, boolean reachable, boolean primary, long walPosition, boolean nofailover,
    int timeline, int failoverPriority) {

  /** A peer without a {@code failover_priority} tag, as every Patroni before 3.2 is. */
  public PeerStatus(String name, boolean reachable, boolean primary, long walPosition, boolean nofailover,
      int timeline) {
    this(name, reachable, primary, walPosition, nofailover, timeline, FailoverTags.DEFAULT_PRIORITY);
  }

  public PeerStatus(String name, boolean reachable, boolean primary, long walPosition, boolean nofailover) {
    this(name, reachable, primary, walPosition, nofailover, 0);
  }

  public static PeerStatus unreachable(String name) {
    return new PeerStatus(name, false, false, 0, false, 0, FailoverTags.DEFAULT_PRIORITY);
  }
}
