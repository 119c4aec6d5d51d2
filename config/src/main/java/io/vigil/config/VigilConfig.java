package io.vigil.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The local configuration of one Vigil member: the typed sections Vigil acts on, the whole merged
 * YAML+environment tree as read, and the keys in it that Vigil does not know.
 *
 * @param raw         the merged YAML and environment tree, including keys Vigil ignores
 * @param unknownKeys dotted paths of keys that are neither used by Vigil nor known Patroni keys,
 *                    so the daemon can log them in one warning
 */
public record VigilConfig(String scope, String namespace, String name, RestApiConfig restapi,
                          ZooKeeperConfig zookeeper, BootstrapConfig bootstrap, PostgresqlConfig postgresql,
                          WatchdogConfig watchdog, Tags tags, Map<String, Object> raw, List<String> unknownKeys) {

    public VigilConfig {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(restapi, "restapi");
        Objects.requireNonNull(zookeeper, "zookeeper");
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(postgresql, "postgresql");
        Objects.requireNonNull(watchdog, "watchdog");
        Objects.requireNonNull(tags, "tags");
        raw = ConfigMaps.immutableCopy(raw);
        unknownKeys = List.copyOf(unknownKeys);
    }

    /**
     * The cluster's ZooKeeper path, {@code /<namespace>/<scope>} with runs of {@code /} collapsed, so
     * that {@code service}, {@code /service} and {@code /service/} all give {@code /service/<scope>}.
     */
    public String basePath() {
        return ("/" + namespace + "/" + scope).replaceAll("/+", "/");
    }

    /** {@code log.level} (or PATRONI_LOG_LEVEL) as configured, INFO by default; Python level names. */
    /**
     * What the agent warns about when it starts with this configuration, one line each: keys it does not know,
     * settings that cannot be used as written, and Patroni settings it does not implement (docs/compatibility.md).
     */
    public List<String> startupWarnings() {
        List<String> warnings = new ArrayList<>();
        if (!unknownKeys.isEmpty()) {
            warnings.add("ignoring configuration keys Vigil does not use: " + String.join(", ", unknownKeys));
        }
        warnings.addAll(bootstrap.problems());
        warnings.addAll(postgresql.replicaCreation().problems());
        UnimplementedKeys.in(raw).forEach((key, instead) ->
                warnings.add(key + " is a Patroni setting Vigil does not implement: " + instead));
        return warnings;
    }

    public String logLevel() {
        return ConfigNode.root(raw).get("log").get("level").string("INFO");
    }

    /** {@code log.dir} with its rotation settings; empty when the log goes to standard output. */
    public Optional<LogFileConfig> logFile() {
        return LogFileConfig.from(ConfigNode.root(raw).get("log"));
    }

    /** Leaves out {@link #raw()}, which holds passwords, so the configuration can be logged. */
    @Override
    public String toString() {
        return "VigilConfig[scope=" + scope + ", namespace=" + namespace + ", name=" + name + ", restapi=" + restapi
                + ", zookeeper=" + zookeeper + ", bootstrap=" + bootstrap + ", postgresql=" + postgresql
                + ", watchdog=" + watchdog + ", tags=" + tags + ", unknownKeys=" + unknownKeys + "]";
    }
}
