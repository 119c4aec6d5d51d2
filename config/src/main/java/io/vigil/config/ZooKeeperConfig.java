package io.vigil.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code zookeeper} section; Vigil's only DCS.
 *
 * @param hosts       {@code host:port} of each server
 * @param useSsl      {@code use_ssl}: connect with TLS
 * @param verify      {@code verify}: check the server certificate's host name (the chain is always checked)
 * @param cacert      {@code cacert}: PEM bundle of the CAs that sign the servers' certificates
 * @param cert        {@code cert}: PEM client certificate (chain)
 * @param key         {@code key}: PEM private key of {@code cert}; absent when {@code cert} holds the key too
 * @param keyPassword {@code key_password}: decrypts {@code key}
 * @param setAcls     {@code set_acls}: x509 principal -> permissions (upper-cased, validated), in YAML order
 */
public record ZooKeeperConfig(List<String> hosts, boolean useSsl, boolean verify, Optional<Path> cacert,
                              Optional<Path> cert, Optional<Path> key, Optional<String> keyPassword,
                              Map<String, List<String>> setAcls) {

    /** DCS sections Patroni supports besides ZooKeeper, named in the error when one is used instead. */
    private static final List<String> OTHER_DCS = List.of("etcd", "etcd3", "consul", "exhibitor", "kubernetes", "raft");

    /** The permission names Patroni 3.0.2 understands in {@code set_acls} (kazoo's make_acl flags). */
    public static final Set<String> PERMISSIONS = Set.of("CREATE", "READ", "WRITE", "DELETE", "ADMIN", "ALL");

    public ZooKeeperConfig {
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("at least one ZooKeeper host is required");
        }
        Objects.requireNonNull(cacert, "cacert");
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(keyPassword, "keyPassword");
        Map<String, List<String>> acls = new LinkedHashMap<>();
        setAcls.forEach((principal, perms) -> acls.put(principal, List.copyOf(perms)));
        setAcls = Collections.unmodifiableMap(acls);
    }

    /** Plain connections, no ACLs. */
    public ZooKeeperConfig(List<String> hosts) {
        this(hosts, false, true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    /** The ZooKeeper client connect string, {@code host:port,host:port}. */
    public String connectString() {
        return String.join(",", hosts);
    }

    @Override
    public String toString() {
        return "ZooKeeperConfig[hosts=" + hosts + ", useSsl=" + useSsl + ", verify=" + verify + ", cacert=" + cacert
                + ", cert=" + cert + ", key=" + key + ", keyPassword=" + keyPassword.map(p -> "***")
                + ", setAcls=" + setAcls + "]";
    }

    /**
     * The {@code zookeeper} section for a client that does not load a whole agent configuration (vigilctl): the
     * section of {@code yaml} with the {@code PATRONI_ZOOKEEPER_*} variables of {@code env} over it, as the agent
     * reads it, and {@code connectString} as the hosts. The same checks and errors as {@link ConfigLoader}.
     */
    public static ZooKeeperConfig forClient(Map<String, ?> yaml, Map<String, String> env, String connectString) {
        Map<String, Object> section = new LinkedHashMap<>();
        if (yaml.get("zookeeper") instanceof Map<?, ?> fromYaml) {
            section.putAll(ConfigMaps.stringKeyed(fromYaml));
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("zookeeper", section);
        ConfigMaps.deepMerge(tree, Map.of("zookeeper", EnvironmentOverrides.from(env).getOrDefault("zookeeper", Map.of())));
        section = ConfigMaps.stringKeyed((Map<?, ?>) tree.get("zookeeper"));
        section.put("hosts", connectString);
        return from(ConfigNode.root(Map.of("zookeeper", section)));
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
        boolean useSsl = zookeeper.get("use_ssl").bool(false);
        boolean verify = zookeeper.get("verify").bool(true);
        Optional<Path> cacert = ConfigFiles.readable(zookeeper.get("cacert"));
        Optional<Path> cert = ConfigFiles.readable(zookeeper.get("cert"));
        Optional<Path> key = ConfigFiles.readable(zookeeper.get("key"));
        Optional<String> keyPassword = zookeeper.get("key_password").optionalString();
        if (key.isPresent() && cert.isEmpty()) {
            throw zookeeper.get("cert").error("required when zookeeper.key is set");
        }
        if (cert.isPresent() && key.isEmpty() && !holdsPrivateKey(cert.get())) {
            throw zookeeper.get("key").error("required when zookeeper.cert is set (" + cert.get()
                    + " holds no private key)");
        }
        return new ZooKeeperConfig(hosts, useSsl, verify, cacert, cert, key, keyPassword, acls(zookeeper.get("set_acls")));
    }

    private static boolean holdsPrivateKey(Path pem) {
        try {
            return new String(Files.readAllBytes(pem), StandardCharsets.US_ASCII).contains("PRIVATE KEY-----");
        } catch (IOException e) {
            return false;
        }
    }

    /** Patroni's set_acls: {principal: [permission, ...]}, permissions case-insensitive. */
    private static Map<String, List<String>> acls(ConfigNode node) {
        if (!node.isPresent()) {
            return Map.of();
        }
        if (!(node.value() instanceof Map<?, ?>)) {
            throw node.error("expected a mapping of x509 principal to a list of permissions, got "
                    + ConfigNode.describe(node.value()));
        }
        Map<String, List<String>> acls = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : node.asMap().entrySet()) {
            String where = node.path() + "." + entry.getKey();
            if (!(entry.getValue() instanceof List<?> permissions)) {
                throw new ConfigException(where, "expected a list of permissions (" + String.join(", ", ordered())
                        + "), got " + ConfigNode.describe(entry.getValue()));
            }
            List<String> names = new ArrayList<>();
            for (Object permission : permissions) {
                String name = permission == null ? "" : permission.toString().strip().toUpperCase(Locale.ROOT);
                if (!(permission instanceof String) || !PERMISSIONS.contains(name)) {
                    throw new ConfigException(where, "unknown permission " + ConfigNode.describe(permission)
                            + " (expected " + String.join(", ", ordered()) + ")");
                }
                names.add(name);
            }
            acls.put(entry.getKey(), names);
        }
        return acls;
    }

    private static List<String> ordered() {
        return List.of("CREATE", "READ", "WRITE", "DELETE", "ADMIN", "ALL");
    }
}
