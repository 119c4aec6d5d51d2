package io.vigil.agent.ha;

/**
 * A peer's answer to {@code GET <api_url>} during a leader race (wire spec 3.11).
 *
 * @param name        member name
 * @param reachable   it answered with a status document that has an {@code xlog} section
 * @param primary     its PostgreSQL is not in recovery (the document has {@code xlog.location})
 * @param walPosition primary: location; replica: max(received, replayed)
 * @param nofailover  the peer's own tags say it must not be promoted
 * @param timeline    the peer's timeline; 0 when it did not say
 */
public record PeerStatus(String name, boolean reachable, boolean primary, long walPosition, boolean nofailover,
    int timeline) {

  public PeerStatus(String name, boolean reachable, boolean primary, long walPosition, boolean nofailover) {
    this(name, reachable, primary, walPosition, nofailover, 0);
  }

  public static PeerStatus unreachable(String name) {
    return new PeerStatus(name, false, false, 0, false, 0);
  }
}
