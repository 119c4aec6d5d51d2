package io.vigil.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The {@code zookeeper} section; Vigil's only DCS. */
public record ZooKeeperConfig(List<String> hosts) {

    /** DCS sections Patroni supports besides ZooKeeper, named in the error when one is used instead. */
    private static final List<String> OTHER_DCS = List.of("etcd", "etcd3", "consul", "exhibitor", "kubernetes", "raft");

    public ZooKeeperConfig {
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("at least one ZooKeeper host is required");
        }
    }

    /** The ZooKeeper client connect string, {@code host:port,host:port}. */
    public String connectString() {
        return String.join(",", hosts);
    }

    static ZooKeeperConfig from(ConfigNode root) {
        ConfigNode zookeeper = root.get("zookeeper");
        if (!zookeeper.isPresent()) {
            Map<String, Object> tree = root.asMap();
            OTHER_DCS.stream().filter(tree::containsKey).findFirst().ifPresent(other -> {
                throw zookeeper.error("required (Vigil supports only the ZooKeeper DCS; found " + other + ")");
            });
        }
        ConfigNode hostsNode = zookeeper.get("hosts");
        List<String> hosts = new ArrayList<>();
        if (hostsNode.value() instanceof String commaSeparated) {
            Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(h -> !h.isEmpty()).forEach(hosts::add);
        } else {
            for (Object host : hostsNode.asList()) {
                if (!(host instanceof String || host instanceof Number)) {
                    throw hostsNode.error("expected host:port strings, got " + ConfigNode.describe(host));
                }
                hosts.add(host.toString().strip());
            }
        }
        if (hosts.isEmpty()) {
            throw hostsNode.missing();
        }
        return new ZooKeeperConfig(hosts);
    }
}
