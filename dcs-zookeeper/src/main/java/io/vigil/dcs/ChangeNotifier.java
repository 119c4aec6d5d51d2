package io.vigil.dcs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the HA loop. One instance is the single watcher registered by every watched read, so ZooKeeper keeps at
 * most one watch per path and client no matter how many cycles re-arm it; any event on it, and any connection
 * change, runs the registered callbacks.
 */
final class ChangeNotifier implements Watcher {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeNotifier.class);

    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    void add(Runnable wakeUp) {
        callbacks.add(wakeUp);
    }

    @Override
    public void process(WatchedEvent event) {
        fire();
    }

    void fire() {
        if (closed) {
            return;
        }
        for (Runnable callback : callbacks) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                LOG.warn("DCS change callback failed: {}", e.toString());
            }
        }
    }

    void close() {
        closed = true;
    }
}
