package io.vigil.dcs;

import org.apache.curator.framework.CuratorFramework;

/** Reads the id of the session behind a Curator client's current ZooKeeper handle. */
final class CuratorSessions {
    private CuratorSessions() {
    }

    /**
     * The session id, or 0 when there is no usable handle. Curator replaces the handle after a session
     * expires, so this is asked for each time rather than cached.
     */
    static long currentSession(CuratorFramework client) {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }
}
