package io.vigil.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A user name and password; the password is {@code ""} when none is configured.
 *
 * @param libpq the connection settings Patroni passes to libpq for this user ({@code sslmode}, {@code sslcert}, …,
 *              {@code channel_binding}, and {@code krbsrvname} for replication), only those that are set, in
 *              Patroni's keyword order
 */
public record Credentials(String username, String password, Map<String, String> libpq) {

    /** The per-user connection settings of Patroni's authentication sections, in Patroni's keyword order. */
    public static final List<String> LIBPQ_KEYS = List.of("sslmode", "sslcompression", "sslcert", "sslkey",
            "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "gssencmode", "channel_binding");

    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        libpq = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(libpq));
    }

    public Credentials(String username, String password) {
        this(username, password, Map.of());
    }

    /** Keeps passwords out of logs, since the effective configuration is logged at start. */
    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=" + (password.isEmpty() ? "<none>" : "<hidden>")
                + ", libpq=" + libpq.keySet() + "]";
    }

    static Credentials from(ConfigNode node) {
        return new Credentials(node.get("username").requiredString(), node.get("password").string(""), libpq(node));
    }

    static Credentials from(ConfigNode node, String defaultUsername) {
        return new Credentials(node.get("username").string(defaultUsername), node.get("password").string(""),
                libpq(node));
    }

    /** This user with {@code krbsrvname} (a {@code postgresql}-level key Patroni adds to every libpq connection). */
    Credentials withKerberosService(String krbsrvname) {
        Map<String, String> options = new LinkedHashMap<>(libpq);
        options.put("krbsrvname", krbsrvname);
        return new Credentials(username, password, options);
    }

    private static Map<String, String> libpq(ConfigNode node) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String key : LIBPQ_KEYS) {
            node.get(key).optionalString().filter(v -> !v.isBlank()).ifPresent(v -> options.put(key, v));
        }
        return options;
    }
}
