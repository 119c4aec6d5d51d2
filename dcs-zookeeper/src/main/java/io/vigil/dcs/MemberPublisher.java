package io.vigil.dcs;

import java.util.Map;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Keeps this member's ephemeral {@code members/<name>} znode up to date with Patroni 3.0.2's
 * {@code touch_member} rules. Remembers what it last wrote, so an unchanged cycle costs one {@code exists}.
 */
final class MemberPublisher {
    private static final String RUNNING = "running";

    private final CuratorFramework client;
    private final String path;
    /** Last value written, as parsed back from its JSON, so comparisons see JSON types only. */
    private Map<String, Object> lastWritten;
    private int lastWrittenVersion = -1;

    MemberPublisher(CuratorFramework client, String path) {
        this.client = client;
        this.path = path;
    }

    /** Runs as one ZooKeeper operation under {@code session}; returns nothing, throws on ZooKeeper errors. */
    Void touch(Map<String, Object> data, long session) throws Exception {
        byte[] json = WireFormat.compactJson(data);
        Map<String, Object> value = WireFormat.parseObject(json);
        Stat stat = client.checkExists().forPath(path);
        boolean ownedByOtherSession = stat != null && stat.getEphemeralOwner() != session;
        if (stat != null && (ownedByOtherSession || (lastWritten != null && peersMustSeeNewZnode(lastWritten, value)))) {
            deleteIfPresent();
            stat = null;
        }
        if (stat != null && lastWritten != null && stat.getVersion() == lastWrittenVersion
                && JsonValues.sameAsStrings(lastWritten, value)) {
            return null;
        }
        int version;
        if (stat == null) {
            client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, json);
            version = 0;
        } else {
            version = client.setData().withVersion(-1).forPath(path, json).getVersion();
        }
        lastWritten = value;
        lastWrittenVersion = version;
        return null;
    }

    /** The whole tree was deleted: the next touch must create the znode again. */
    void forget() {
        lastWritten = null;
        lastWrittenVersion = -1;
    }

    /**
     * Patroni 3.0.x peers re-read member data only when the children of {@code members} change, so these
     * changes must come as a new znode (delete + create) or those peers keep a stale view of this member.
     */
    static boolean peersMustSeeNewZnode(Map<String, Object> before, Map<String, Object> after) {
        return !JsonValues.sameAsStrings(JsonValues.stringKeyed(before.get("tags")), JsonValues.stringKeyed(after.get("tags")))
                || !Objects.equals(before.get("version"), after.get("version"))
                || !Objects.equals(before.get("checkpoint_after_promote"), after.get("checkpoint_after_promote"))
                || RUNNING.equals(before.get("state")) != RUNNING.equals(after.get("state"));
    }

    private void deleteIfPresent() throws Exception {
        try {
            client.delete().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            // Already gone (e.g. the old session just expired): nothing to reclaim.
        }
    }
}
