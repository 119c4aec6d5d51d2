package io.vigil.dcs;

import java.util.Objects;

/**
 * The {@code leader} znode (the leader lock).
 *
 * @param name    the holder's member name (the znode value, bare text, not JSON)
 * @param session the ZooKeeper session that owns the ephemeral znode ({@code ephemeralOwner})
 * @param version znode version (always 0 in practice: nobody ever sets data on it)
 */
public record LeaderNode(String name, long session, int version) {
    public LeaderNode {
        Objects.requireNonNull(name, "name");
    }
}
