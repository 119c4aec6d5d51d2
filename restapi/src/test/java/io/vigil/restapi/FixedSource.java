package io.vigil.restapi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A NodeStatusSource with fixed documents and a snapshot the test can swap. */
class FixedSource implements NodeStatusSource {

    static final Map<String, Object> CLUSTER = Map.of("members", List.of(
            Map.of("name", "n1", "role", "leader", "state", "running", "api_url", "http://127.0.0.1:18008/patroni",
                    "host", "127.0.0.1", "port", 15432, "timeline", 1)));
    static final Map<String, Object> CONFIG = Map.of("ttl", 30, "loop_wait", 10, "retry_timeout", 10);

    private volatile NodeStatus status;
    private volatile Optional<Map<String, Object>> config = Optional.of(CONFIG);

    FixedSource(NodeStatus status) {
        this.status = status;
    }

    void publish(NodeStatus next) {
        status = next;
    }

    void config(Optional<Map<String, Object>> next) {
        config = next;
    }

    @Override
    public NodeStatus status() {
        return status;
    }

    @Override
    public Map<String, Object> clusterDocument() {
        return CLUSTER;
    }

    @Override
    public List<Object> historyDocument() {
        return List.of();
    }

    @Override
    public Optional<Map<String, Object>> configDocument() {
        return config;
    }
}
