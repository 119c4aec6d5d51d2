package io.vigil.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How vigilctl calls the members' REST API over HTTPS, read as patronictl does: each of {@code certfile},
 * {@code keyfile} and {@code keyfile_password} from the {@code ctl} section, else from {@code restapi}; the CA
 * from {@code ctl.cacert}, else {@code restapi.cafile}; {@code ctl.insecure} turns verification off. The
 * {@code PATRONI_CTL_*} and {@code PATRONI_RESTAPI_*} variables override the YAML as they do for the agent.
 *
 * @param certificateSection {@code ctl} or {@code restapi}: where the client certificate came from, for messages
 * @param cacertKey          {@code ctl.cacert} or {@code restapi.cafile}: which key named {@code cacert}
 */
public record CtlConfig(Optional<Path> certfile, Optional<Path> keyfile, Optional<String> keyfilePassword,
                        Optional<Path> cacert, boolean insecure, String certificateSection, String cacertKey) {

    public CtlConfig {
        Objects.requireNonNull(certfile, "certfile");
        Objects.requireNonNull(keyfile, "keyfile");
        Objects.requireNonNull(keyfilePassword, "keyfilePassword");
        Objects.requireNonNull(cacert, "cacert");
        Objects.requireNonNull(certificateSection, "certificateSection");
        Objects.requireNonNull(cacertKey, "cacertKey");
    }

    @Override
    public String toString() {
        return "CtlConfig[certfile=" + certfile + ", keyfile=" + keyfile + ", keyfilePassword="
                + keyfilePassword.map(p -> "<hidden>") + ", cacert=" + cacert + ", insecure=" + insecure + "]";
    }

    /** The keys of the client certificate's section, e.g. {@code ctl.certfile}, for error messages. */
    public String key(String name) {
        return certificateSection + "." + name;
    }

    /**
     * @param yaml the configuration file as read (may be empty)
     * @param env  the environment
     */
    public static CtlConfig forClient(Map<String, ?> yaml, Map<String, String> env) {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (String section : new String[] {"ctl", "restapi"}) {
            Map<String, Object> copy = new LinkedHashMap<>();
            if (yaml.get(section) instanceof Map<?, ?> fromYaml) {
                copy.putAll(ConfigMaps.stringKeyed(fromYaml));
            }
            tree.put(section, copy);
        }
        Map<String, Object> overrides = EnvironmentOverrides.from(env);
        for (String section : new String[] {"ctl", "restapi"}) {
            ConfigMaps.deepMerge(tree, Map.of(section, overrides.getOrDefault(section, Map.of())));
        }
        ConfigNode root = ConfigNode.root(tree);
        ConfigNode ctl = root.get("ctl");
        ConfigNode restapi = root.get("restapi");
        // The key and its password come from the section that gave the certificate: pairing ctl's certificate
        // with the REST server's key (as patronictl's per-key fallback can) never makes a working pair.
        ConfigNode section = set(ctl.get("certfile")) || !set(restapi.get("certfile")) ? ctl : restapi;
        ConfigNode cacert = set(ctl.get("cacert")) ? ctl.get("cacert") : restapi.get("cafile");
        return new CtlConfig(ConfigFiles.readable(section.get("certfile")), ConfigFiles.readable(section.get("keyfile")),
                section.get("keyfile_password").optionalString(), ConfigFiles.readable(cacert), ctl.get("insecure").bool(false),
                section == ctl ? "ctl" : "restapi", cacert.path());
    }

    private static boolean set(ConfigNode node) {
        return node.optionalString().filter(s -> !s.isBlank()).isPresent();
    }
}
