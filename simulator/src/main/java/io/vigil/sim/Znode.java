package io.vigil.sim;

/**
 * One znode of the cluster's tree.
 *
 * @param data           the parsed value (String, Long, Map or List), as the agent's reader returns it
 * @param version        incremented by every set, the compare-and-set token
 * @param ephemeralOwner the session that owns an ephemeral znode, 0 for a persistent one
 */
record Znode(Object data, int version, long ephemeralOwner) {

  Znode withData(Object next) {
    return new Znode(next, version + 1, ephemeralOwner);
  }
}
