package io.vigil.dcs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

/**
 * One full read of the cluster (Patroni's {@code _load_cluster}): list the base, then read only the keys that
 * exist. The reads double as watch registrations, so watches are re-armed every cycle, survive reconnects
 * (the client re-sends them) and need no server-side support beyond plain one-shot watches:
 * <ul>
 *   <li>children of base (any key created or deleted, including the leader lock) and of {@code members};</li>
 *   <li>data of {@code config}, {@code leader}, {@code history}, {@code failover};</li>
 *   <li>data of {@code status} and {@code sync} only while someone else holds the lock, so a leader is not woken
 *       by its own writes (only the leader writes them).</li>
 * </ul>
 * Member data is deliberately not watched: members rewrite their WAL position every cycle and would wake
 * every peer each time (Patroni does not watch it either).
 */
final class ClusterReader {
    private final CuratorFramework client;
    private final ClusterPaths paths;
    private final String memberName;
    private final Watcher watcher;

    ClusterReader(CuratorFramework client, ClusterPaths paths, String memberName, Watcher watcher) {
        this.client = client;
        this.paths = paths;
        this.memberName = memberName;
        this.watcher = watcher;
    }

    private record Znode(byte[] data, Stat stat) {
    }

    ClusterView read() throws Exception {
        Set<String> keys;
        try {
            keys = new HashSet<>(client.getChildren().usingWatcher(watcher).forPath(paths.base()));
        } catch (KeeperException.NoNodeException e) {
            // Be woken when somebody creates the cluster.
            client.checkExists().usingWatcher(watcher).forPath(paths.base());
            return ClusterView.empty();
        }
        Optional<String> initialize = get(keys, ClusterPaths.INITIALIZE, paths.initialize(), false)
                .map(z -> WireFormat.text(z.data()));
        Optional<ConfigNode> config = get(keys, ClusterPaths.CONFIG, paths.config(), true)
                .map(z -> WireFormat.config(z.data(), z.stat().getVersion()));
        Optional<Znode> history = get(keys, ClusterPaths.HISTORY, paths.history(), true);
        List<MemberNode> members = keys.contains(ClusterPaths.MEMBERS) ? members() : List.of();
        Optional<LeaderNode> leader = get(keys, ClusterPaths.LEADER, paths.leader(), true)
                .map(z -> WireFormat.leader(z.data(), z.stat().getEphemeralOwner(), z.stat().getVersion()));
        boolean watchStatus = leader.map(l -> !l.name().equals(memberName)).orElse(true);
        Optional<Znode> status = get(keys, ClusterPaths.STATUS, paths.status(), watchStatus);
        OptionalLong optime = status.isPresent() ? WireFormat.statusOptime(status.get().data())
                : legacyOptime(keys, watchStatus);
        Optional<FailoverNode> failover = get(keys, ClusterPaths.FAILOVER, paths.failover(), true)
                .flatMap(z -> WireFormat.failover(z.data(), z.stat().getVersion()));
        Optional<SyncNode> sync = get(keys, ClusterPaths.SYNC, paths.sync(), watchStatus)
                .map(z -> SyncNode.parse(z.data(), z.stat().getVersion()));
        Optional<java.util.Map<String, String>> failsafe = get(keys, ClusterPaths.FAILSAFE, paths.failsafe(), false)
                .flatMap(z -> WireFormat.failsafe(z.data()));
        return new ClusterView(initialize, config, leader, members, optime,
                history.map(z -> WireFormat.history(z.data())).orElse(List.of()), history.isPresent(), failover, sync,
                failsafe).withStatusSlots(status.map(z -> WireFormat.statusSlots(z.data())).orElse(Map.of()));
    }

    private List<MemberNode> members() throws Exception {
        List<String> names;
        try {
            names = client.getChildren().usingWatcher(watcher).forPath(paths.members());
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
        List<MemberNode> members = new ArrayList<>(names.size());
        for (String name : names) {
            // A member that vanished between the listing and this read is simply not there.
            read(paths.member(name), false)
                    .ifPresent(z -> members.add(WireFormat.member(name, z.data(), z.stat().getEphemeralOwner())));
        }
        return members;
    }

    private OptionalLong legacyOptime(Set<String> keys, boolean watch) throws Exception {
        if (!keys.contains(ClusterPaths.OPTIME)) {
            return OptionalLong.empty();
        }
        return read(paths.optimeLeader(), watch).map(z -> WireFormat.legacyOptime(z.data())).orElse(OptionalLong.empty());
    }

    private Optional<Znode> get(Set<String> keys, String key, String path, boolean watch) throws Exception {
        return keys.contains(key) ? read(path, watch) : Optional.empty();
    }

    private Optional<Znode> read(String path, boolean watch) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = watch
                    ? client.getData().storingStatIn(stat).usingWatcher(watcher).forPath(path)
                    : client.getData().storingStatIn(stat).forPath(path);
            return Optional.of(new Znode(data, stat));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }
}
