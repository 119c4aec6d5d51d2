package io.vigil.dcs;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The leader lock: an ephemeral {@code leader} znode whose value is the holder's bare name. It is never
 * "renewed" by writing; it lives exactly as long as the holder's session. Each method is one ZooKeeper
 * operation run (and, if needed, retried as a whole) under the given session.
 */
final class LeaderLock {
    private final CuratorFramework client;
    private final String path;
    private final String memberName;
    private final byte[] value;

    LeaderLock(CuratorFramework client, String path, String memberName) {
        this.client = client;
        this.path = path;
        this.memberName = memberName;
        this.value = memberName.getBytes(StandardCharsets.UTF_8);
    }

    private record Holder(String name, Stat stat) {
    }

    /** Create-if-absent. */
    boolean acquire(long session) throws Exception {
        try {
            create();
            return true;
        } catch (KeeperException.NodeExistsException e) {
            // A retried create whose first attempt reached the server before the connection dropped
            // finds its own znode: that is a win, not a loss.
            return holder().map(h -> isMine(h, session)).orElse(false);
        }
    }

    /**
     * The view already shows whether the lock is ours; only a lock with our name under another session (a
     * previous incarnation of this agent whose session is still alive, or one that just expired) needs
     * work, and then the current state is re-checked before deleting anything.
     */
    boolean refresh(ClusterView view, long session) throws Exception {
        Optional<LeaderNode> seen = view.leader();
        if (seen.isEmpty() || !seen.get().name().equals(memberName)) {
            return false;
        }
        if (seen.get().session() == session) {
            return true;
        }
        Optional<Holder> current = holder();
        if (current.isPresent()) {
            if (isMine(current.get(), session)) {
                return true;
            }
            if (!current.get().name().equals(memberName)) {
                return false;
            }
            try {
                client.delete().withVersion(current.get().stat().getVersion()).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // Its session ended meanwhile; the create below settles who holds the lock.
            }
        }
        // Like Patroni, a lock of ours that vanished is taken again unless someone else was faster.
        return acquire(session);
    }

    /** Deletes the lock only if this session holds it, so a successor's lock is never removed. */
    Void release(long session) throws Exception {
        Optional<Holder> current = holder();
        if (current.isPresent() && isMine(current.get(), session)) {
            try {
                client.delete().withVersion(current.get().stat().getVersion()).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // Already released (our session ended): nothing left to do.
            }
        }
        return null;
    }

    private void create() throws Exception {
        client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, value);
    }

    /**
     * Writes this member's name back into a leader znode that this session owns but whose value another client
     * changed (the znode is ours for as long as the session lives, whatever it says). False when it is not ours.
     */
    boolean rename(long session) throws Exception {
        Optional<Holder> current = holder();
        if (current.isEmpty() || current.get().stat().getEphemeralOwner() != session) {
            return false;
        }
        if (!current.get().name().equals(memberName)) {
            client.setData().withVersion(current.get().stat().getVersion()).forPath(path, value);
        }
        return true;
    }

    private boolean isMine(Holder holder, long session) {
        return holder.name().equals(memberName) && holder.stat().getEphemeralOwner() == session;
    }

    private Optional<Holder> holder() throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = client.getData().storingStatIn(stat).forPath(path);
            return Optional.of(new Holder(WireFormat.text(data), stat));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }
}
