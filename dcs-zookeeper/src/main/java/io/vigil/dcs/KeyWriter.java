package io.vigil.dcs;

import java.util.OptionalInt;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/** Patroni's generic persistent-key write ({@code _set_or_create}), including its CAS quirk. */
final class KeyWriter {
    private final CuratorFramework client;

    KeyWriter(CuratorFramework client) {
        this.client = client;
    }

    /**
     * Unconditional write: set, or create (with parents) when missing. Two rounds cover a concurrent creator
     * or deleter between the set and the create.
     */
    Void put(String path, byte[] value) throws Exception {
        for (int round = 0; ; round++) {
            try {
                client.setData().withVersion(-1).forPath(path, value);
                return null;
            } catch (KeeperException.NoNodeException e) {
                try {
                    client.create().creatingParentsIfNeeded().forPath(path, value);
                    return null;
                } catch (KeeperException.NodeExistsException raced) {
                    if (round > 0) {
                        throw raced;
                    }
                }
            }
        }
    }

    /**
     * {@code setData} with the expected version if it is non-zero, else unconditionally (Patroni passes
     * {@code version or -1}, so a znode still at version 0 is overwritten even when CAS was intended). A missing
     * znode is created (with parents) unless a non-zero version was expected. False on a version mismatch,
     * on a missing znode with a version, or when a concurrent writer created it first.
     */
    boolean setOrCreate(String path, byte[] value, OptionalInt expectedVersion) throws Exception {
        int version = expectedVersion.orElse(0);
        try {
            client.setData().withVersion(version != 0 ? version : -1).forPath(path, value);
            return true;
        } catch (KeeperException.BadVersionException e) {
            return false;
        } catch (KeeperException.NoNodeException e) {
            if (version != 0) {
                return false;
            }
        }
        try {
            client.create().creatingParentsIfNeeded().forPath(path, value);
            return true;
        } catch (KeeperException.NodeExistsException e) {
            return false;
        }
    }
}
