package io.vigil.dcs;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One full read of the cluster's keys: an immutable snapshot the HA loop decides on.
 *
 * @param initialize     absent: never bootstrapped; {@code ""}: a bootstrap is in progress; else the
 *                       PostgreSQL system identifier as written
 * @param config         the {@code config} znode
 * @param leader         the {@code leader} znode (the leader lock)
 * @param members        all member znodes, sorted by name
 * @param optime         leader's last reported WAL position from {@code status} (fallback
 *                       {@code optime/leader}); empty when absent or unparseable
 * @param history        timeline history entries {@code [parentTli, switchLsn, reason, timestamp, leader]},
 *                       empty when absent or unparseable (see {@code historyPresent})
 * @param historyPresent whether the {@code history} znode exists (Patroni: absent = unknown timeline,
 *                       present but empty = timeline 1)
 * @param failover       pending manual failover/switchover; empty for {@code "{}"}, absent or garbage
 * @param sync           the {@code sync} znode; empty only when it does not exist (garbage reads as an
 *                       {@linkplain SyncNode#isEmpty() empty} record carrying the znode version)
 * @param failsafe       the {@code failsafe} znode: member name to REST API URL; empty when it does not exist or
 *                       is not a JSON object of strings (garbage reads as absent)
 * @param statusSlots    {@code status.slots}: the leader's permanent slots and their positions (1.5), empty when none
 */
public record ClusterView(
        Optional<String> initialize,
        Optional<ConfigNode> config,
        Optional<LeaderNode> leader,
        List<MemberNode> members,
        OptionalLong optime,
        List<List<Object>> history,
        boolean historyPresent,
        Optional<FailoverNode> failover,
        Optional<SyncNode> sync,
        Optional<java.util.Map<String, String>> failsafe,
        java.util.Map<String, Long> statusSlots) {

    private static final ClusterView EMPTY = new ClusterView(Optional.empty(), Optional.empty(), Optional.empty(),
            List.of(), OptionalLong.empty(), List.of(), false, Optional.empty(), Optional.empty(), Optional.empty());

    public ClusterView {
        Objects.requireNonNull(initialize, "initialize");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(optime, "optime");
        Objects.requireNonNull(failover, "failover");
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(failsafe, "failsafe");
        failsafe = failsafe.map(m -> java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(m)));
        statusSlots = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(statusSlots));
        members = members.stream().sorted(Comparator.comparing(MemberNode::name)).toList();
        history = history.stream().map(JsonValues::freezeList).toList();
    }

    /** A view whose {@code status} carries no slots. */
    public ClusterView(Optional<String> initialize, Optional<ConfigNode> config, Optional<LeaderNode> leader,
            List<MemberNode> members, OptionalLong optime, List<List<Object>> history, boolean historyPresent,
            Optional<FailoverNode> failover, Optional<SyncNode> sync, Optional<java.util.Map<String, String>> failsafe) {
        this(initialize, config, leader, members, optime, history, historyPresent, failover, sync, failsafe,
                java.util.Map.of());
    }

    /** A view without a {@code failsafe} znode. */
    public ClusterView(Optional<String> initialize, Optional<ConfigNode> config, Optional<LeaderNode> leader,
            List<MemberNode> members, OptionalLong optime, List<List<Object>> history, boolean historyPresent,
            Optional<FailoverNode> failover, Optional<SyncNode> sync) {
        this(initialize, config, leader, members, optime, history, historyPresent, failover, sync, Optional.empty());
    }

    /** A view without a {@code sync} znode (the cluster never ran in synchronous mode). */
    public ClusterView(Optional<String> initialize, Optional<ConfigNode> config, Optional<LeaderNode> leader,
            List<MemberNode> members, OptionalLong optime, List<List<Object>> history, boolean historyPresent,
            Optional<FailoverNode> failover) {
        this(initialize, config, leader, members, optime, history, historyPresent, failover, Optional.empty(),
                Optional.empty());
    }

    /** This view with another {@code sync} znode. */
    public ClusterView withSync(Optional<SyncNode> next) {
        return new ClusterView(initialize, config, leader, members, optime, history, historyPresent, failover, next,
                failsafe, statusSlots);
    }

    /** This view with another {@code failsafe} znode. */
    public ClusterView withFailsafe(Optional<java.util.Map<String, String>> next) {
        return new ClusterView(initialize, config, leader, members, optime, history, historyPresent, failover, sync,
                next, statusSlots);
    }

    /** This view with another {@code status.slots}. */
    public ClusterView withStatusSlots(java.util.Map<String, Long> next) {
        return new ClusterView(initialize, config, leader, members, optime, history, historyPresent, failover, sync,
                failsafe, next);
    }

    /** A cluster with no keys at all (the base znode does not exist). */
    public static ClusterView empty() {
        return EMPTY;
    }

    public Optional<MemberNode> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** Whether the leader lock names this member (Patroni's {@code has_lock} compares names only). */
    public boolean isLockedBy(String name) {
        return leader.map(l -> l.name().equals(name)).orElse(false);
    }

    /** Whether the lock names this member and is owned by this ZooKeeper session: the lock is really ours. */
    public boolean isLockedBy(String name, long session) {
        return leader.map(l -> l.name().equals(name) && l.session() == session).orElse(false);
    }

    /** The member znode of the lock holder; empty when there is no leader or it has no member znode. */
    public Optional<MemberNode> leaderMember() {
        return leader.flatMap(l -> member(l.name()));
    }
}
