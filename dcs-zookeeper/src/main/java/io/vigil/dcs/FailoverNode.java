package io.vigil.dcs;

import java.util.Objects;
import java.util.Optional;

/**
 * A pending manual failover or switchover from the {@code failover} znode. Only built when at least one of
 * {@code leader} / {@code member} is set; {@code "{}"} means "nothing pending" and yields no node at all.
 *
 * @param leader      the current leader that must step down (a switchover), if named
 * @param member      the desired candidate (the JSON key is {@code member}, REST bodies say "candidate")
 * @param scheduledAt ISO-8601 time with offset, if the action is scheduled
 * @param version     znode version, used for CAS when clearing it
 */
public record FailoverNode(Optional<String> leader, Optional<String> member, Optional<String> scheduledAt, int version) {
    public FailoverNode {
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(scheduledAt, "scheduledAt");
    }
}
