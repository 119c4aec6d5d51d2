package io.vigil.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads the local configuration like Patroni 3.0.2 (spec 7.1): a YAML file, or a directory of YAML
 * files merged in name order; without a path the YAML text of {@code PATRONI_CONFIGURATION}; then
 * the {@code PATRONI_*} environment variables on top. The result is validated completely here, so
 * the daemon either starts with a usable configuration or exits with one clear message.
 */
public final class ConfigLoader {

    private static final String CONFIGURATION_VARIABLE = "PATRONI_CONFIGURATION";

    private ConfigLoader() {
    }

    public static VigilConfig load(Path pathOrDir) {
        return load(pathOrDir, System.getenv());
    }

    /**
     * @param pathOrDir a YAML file or a directory of them; null to read {@code PATRONI_CONFIGURATION}
     * @param env       the environment; passed in so that tests and the CLI need not touch the real one
     * @throws ConfigException for an unreadable source or the first invalid or missing key
     */
    public static VigilConfig load(Path pathOrDir, Map<String, String> env) {
        Map<String, Object> tree = pathOrDir != null ? YamlReader.readPath(pathOrDir) : environmentDocument(env);
        ConfigMaps.deepMerge(tree, EnvironmentOverrides.from(env));
        return bind(tree, home(env));
    }

    private static Map<String, Object> environmentDocument(Map<String, String> env) {
        String text = env.get(CONFIGURATION_VARIABLE);
        return text == null || text.isBlank()
                ? new LinkedHashMap<>()
                : YamlReader.parseDocument(CONFIGURATION_VARIABLE, text);
    }

    private static VigilConfig bind(Map<String, Object> tree, Path home) {
        ConfigNode root = ConfigNode.root(tree);
        String scope = root.get("scope").requiredString();
        String name = nodeName(root);
        String namespace = root.get("namespace").string("/service");
        // checked now so that logLevel() cannot fail after start-up
        root.get("log").get("level").optionalString();
        LogFileConfig.from(root.get("log"));
        return new VigilConfig(scope, namespace, name,
                RestApiConfig.from(root.get("restapi")),
                ZooKeeperConfig.from(root),
                BootstrapConfig.from(root.get("bootstrap")),
                PostgresqlConfig.from(root.get("postgresql"), home, root.get("vigil")),
                WatchdogConfig.from(root.get("watchdog"), root.get("vigil")),
                Tags.from(root.get("tags")),
                tree,
                KnownKeys.unknownIn(tree));
    }

    /** Very old configurations named the member in {@code postgresql.name}. */
    private static String nodeName(ConfigNode root) {
        ConfigNode name = root.get("name");
        ConfigNode legacy = root.get("postgresql").get("name");
        return (!name.isPresent() && legacy.isPresent() ? legacy : name).requiredString();
    }

    private static Path home(Map<String, String> env) {
        String home = env.get("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
    }
}
