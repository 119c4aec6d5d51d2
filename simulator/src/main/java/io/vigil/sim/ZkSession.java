package io.vigil.sim;

/**
 * A ZooKeeper session as the server sees it: alive while its client keeps in contact, expired once the
 * server has heard nothing for the whole timeout (then its ephemeral znodes are deleted).
 */
final class ZkSession {

  final long id;
  final String owner;
  final long timeoutMs;
  long lastHeard;
  boolean contact;
  boolean expired;
  /** Invalidates expiry checks scheduled before the latest change of contact. */
  long contactEpoch;

  ZkSession(long id, String owner, long timeoutMs, long now) {
    this.id = id;
    this.owner = owner;
    this.timeoutMs = timeoutMs;
    this.lastHeard = now;
  }
}
