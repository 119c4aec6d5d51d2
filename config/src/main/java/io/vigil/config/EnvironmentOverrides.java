package io.vigil.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Turns the {@code PATRONI_*} environment variables of Patroni 3.0.2 into a configuration tree that is
 * merged over the YAML. Empty variables are ignored, as Patroni ignores them.
 */
final class EnvironmentOverrides {

    private enum Kind { STRING, INTEGER, BOOLEAN, LIST, MAP }

    private static final List<String> AUTH_FIELDS = List.of("USERNAME", "PASSWORD", "SSLMODE", "SSLKEY",
            "SSLPASSWORD", "SSLCERT", "SSLROOTCERT", "SSLCRL", "SSLCRLDIR", "GSSENCMODE", "CHANNEL_BINDING");

    private final Map<String, String> env;
    private final Map<String, Object> tree = new LinkedHashMap<>();

    private EnvironmentOverrides(Map<String, String> env) {
        this.env = env;
    }

    static Map<String, Object> from(Map<String, String> env) {
        EnvironmentOverrides overrides = new EnvironmentOverrides(env);
        overrides.collect();
        return overrides.tree;
    }

    private void collect() {
        section("", Kind.STRING, "NAME", "NAMESPACE", "SCOPE");

        // Legacy names first so that the current PATRONI_LOG_* names win, as in Patroni.
        put("PATRONI_LOGLEVEL", "log.level", Kind.STRING);
        put("PATRONI_LOGFORMAT", "log.format", Kind.STRING);
        put("PATRONI_LOG_DATEFMT", "log.dateformat", Kind.STRING);
        section("log", Kind.STRING, "LEVEL", "TRACEBACK_LEVEL", "FORMAT", "DATEFORMAT", "DIR");
        section("log", Kind.INTEGER, "MAX_QUEUE_SIZE", "FILE_SIZE", "FILE_NUM");
        section("log", Kind.MAP, "LOGGERS");

        section("restapi", Kind.STRING, "LISTEN", "CONNECT_ADDRESS", "CERTFILE", "KEYFILE", "KEYFILE_PASSWORD",
                "CAFILE", "CIPHERS", "VERIFY_CLIENT", "SERVER_TOKENS");
        section("restapi", Kind.MAP, "HTTP_EXTRA_HEADERS", "HTTPS_EXTRA_HEADERS");
        section("restapi", Kind.LIST, "ALLOWLIST");
        section("restapi", Kind.BOOLEAN, "ALLOWLIST_INCLUDE_MEMBERS");
        section("restapi", Kind.INTEGER, "REQUEST_QUEUE_SIZE");
        put("PATRONI_RESTAPI_USERNAME", "restapi.authentication.username", Kind.STRING);
        put("PATRONI_RESTAPI_PASSWORD", "restapi.authentication.password", Kind.STRING);

        section("ctl", Kind.STRING, "CACERT", "CERTFILE", "KEYFILE", "KEYFILE_PASSWORD");
        section("ctl", Kind.BOOLEAN, "INSECURE");
        put("PATRONI_CTL_USERNAME", "ctl.authentication.username", Kind.STRING);
        put("PATRONI_CTL_PASSWORD", "ctl.authentication.password", Kind.STRING);

        section("postgresql", Kind.STRING, "LISTEN", "CONNECT_ADDRESS", "PROXY_ADDRESS", "CONFIG_DIR", "DATA_DIR",
                "PGPASS", "BIN_DIR");
        for (String user : List.of("SUPERUSER", "REPLICATION", "REWIND")) {
            for (String field : AUTH_FIELDS) {
                put("PATRONI_" + user + "_" + field, "postgresql.authentication." + lower(user) + "." + lower(field),
                        Kind.STRING);
            }
        }

        section("zookeeper", Kind.LIST, "HOSTS");
        // Patroni 3.0.2 keeps use_ssl as a string; it is passed through unchanged.
        section("zookeeper", Kind.STRING, "USE_SSL", "CACERT", "CERT", "KEY", "KEY_PASSWORD");
        section("zookeeper", Kind.BOOLEAN, "VERIFY");
        section("zookeeper", Kind.MAP, "SET_ACLS", "AUTH_DATA");

        section("citus", Kind.INTEGER, "GROUP");
        section("citus", Kind.STRING, "DATABASE");
    }

    private void section(String section, Kind kind, String... suffixes) {
        String prefix = section.isEmpty() ? "PATRONI_" : "PATRONI_" + section.toUpperCase(Locale.ROOT) + "_";
        for (String suffix : suffixes) {
            put(prefix + suffix, (section.isEmpty() ? "" : section + ".") + lower(suffix), kind);
        }
    }

    private void put(String variable, String keyPath, Kind kind) {
        String text = env.get(variable);
        if (text == null || text.isEmpty()) {
            return;
        }
        List<String> keys = Arrays.asList(keyPath.split("\\."));
        Map<String, Object> parent = tree;
        for (String key : keys.subList(0, keys.size() - 1)) {
            parent = ConfigMaps.stringKeyed((Map<?, ?>) parent.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>()));
        }
        parent.put(keys.get(keys.size() - 1), convert(variable, keyPath, text, kind));
    }

    private static Object convert(String variable, String keyPath, String text, Kind kind) {
        return switch (kind) {
            case STRING -> text;
            case INTEGER -> integerOrText(text);
            case BOOLEAN -> ConfigNode.parseBoolean(text).<Object>map(b -> b).orElse(text);
            case LIST -> parseList(variable, text);
            case MAP -> parseMap(variable, keyPath, text);
        };
    }

    private static Object integerOrText(String text) {
        OptionalLong number = ConfigNode.parseInteger(text);
        return number.isPresent() ? (Object) number.getAsLong() : text;
    }

    /**
     * A YAML list whose brackets may be left out, as in Patroni; values that are not valid YAML in
     * that form (e.g. a plain comma-separated host string with odd characters) fall back to splitting on commas.
     */
    private static List<Object> parseList(String variable, String text) {
        String yaml = text.strip().startsWith("-") || text.contains("[") ? text : "[" + text + "]";
        try {
            if (YamlReader.parse(variable, yaml) instanceof List<?> list) {
                return new ArrayList<>(list);
            }
        } catch (ConfigException notYaml) {
            // not YAML: fall through to the plain comma-separated form
        }
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(s -> (Object) s).toList();
    }

    private static Map<String, Object> parseMap(String variable, String keyPath, String text) {
        String yaml = text.strip().startsWith("{") ? text : "{" + text + "}";
        if (YamlReader.parse(variable, yaml) instanceof Map<?, ?> map) {
            return ConfigMaps.mutableCopy(map);
        }
        throw new ConfigException(keyPath, "expected a YAML mapping in " + variable + ", got \"" + text + "\"");
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
