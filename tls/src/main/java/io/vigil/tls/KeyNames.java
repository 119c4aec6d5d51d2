package io.vigil.tls;

import java.util.Objects;

/**
 * The configuration keys of a certificate file, its key file and the key's password, e.g. {@code restapi.certfile},
 * {@code restapi.keyfile}, {@code restapi.keyfile_password}, so that every error names the key to fix.
 */
public record KeyNames(String certificate, String key, String password) {

    public KeyNames {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(password, "password");
    }

    /** The keys of section {@code section} named Patroni's REST way: certfile, keyfile, keyfile_password. */
    public static KeyNames restStyle(String section) {
        return new KeyNames(section + ".certfile", section + ".keyfile", section + ".keyfile_password");
    }
}
