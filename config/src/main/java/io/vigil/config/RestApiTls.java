package io.vigil.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS keys of the {@code restapi} section; present only when {@code certfile} is set, as in Patroni, where the
 * other keys do nothing without it. File contents (key matches certificate, password decrypts, CA holds
 * certificates) are checked by the REST API server when it loads them, at start and on every reload.
 *
 * @param certfile        PEM certificate chain, possibly with the key in the same file
 * @param keyfile         PEM private key; absent when {@code certfile} holds it
 * @param keyfilePassword decrypts {@code keyfile}
 * @param cafile          CA bundle for client certificates; absent means the JDK's default trust store, as Python's
 *                        default context loads the system CAs
 * @param ciphers         OpenSSL cipher string
 * @param verifyClient    {@code none}, {@code optional} or {@code required}
 */
public record RestApiTls(Path certfile, Optional<Path> keyfile, Optional<String> keyfilePassword, Optional<Path> cafile,
                         Optional<String> ciphers, VerifyClient verifyClient) {

    /** {@code restapi.verify_client}. */
    public enum VerifyClient { NONE, OPTIONAL, REQUIRED }

    public RestApiTls {
        Objects.requireNonNull(certfile, "certfile");
        Objects.requireNonNull(keyfile, "keyfile");
        Objects.requireNonNull(keyfilePassword, "keyfilePassword");
        Objects.requireNonNull(cafile, "cafile");
        Objects.requireNonNull(ciphers, "ciphers");
        Objects.requireNonNull(verifyClient, "verifyClient");
    }

    /** The same settings with the files (and password) of {@code reread}: what a reload applies. */
    RestApiTls withFilesOf(RestApiTls reread) {
        return new RestApiTls(reread.certfile, reread.keyfile, reread.keyfilePassword, reread.cafile, ciphers,
                verifyClient);
    }

    @Override
    public String toString() {
        return "RestApiTls[certfile=" + certfile + ", keyfile=" + keyfile + ", keyfilePassword="
                + keyfilePassword.map(p -> "<hidden>") + ", cafile=" + cafile + ", ciphers=" + ciphers
                + ", verifyClient=" + verifyClient + "]";
    }

    static Optional<RestApiTls> from(ConfigNode restapi) {
        ConfigNode verify = restapi.get("verify_client");
        VerifyClient verifyClient = verifyClient(verify);
        Optional<Path> certfile = ConfigFiles.readable(restapi.get("certfile"));
        if (certfile.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RestApiTls(certfile.get(), ConfigFiles.readable(restapi.get("keyfile")),
                restapi.get("keyfile_password").optionalString(), ConfigFiles.readable(restapi.get("cafile")),
                restapi.get("ciphers").optionalString().filter(c -> !c.isBlank()), verifyClient));
    }

    // Patroni lower-cases the value; it logs and ignores one it does not know, which would leave an operator who
    // misspelt "required" without client certificates: refused here.
    private static VerifyClient verifyClient(ConfigNode node) {
        Optional<String> text = node.optionalString().map(String::strip).filter(s -> !s.isEmpty());
        if (text.isEmpty()) {
            return VerifyClient.NONE;
        }
        return switch (text.get().toLowerCase(Locale.ROOT)) {
            case "none" -> VerifyClient.NONE;
            case "optional" -> VerifyClient.OPTIONAL;
            case "required" -> VerifyClient.REQUIRED;
            default -> throw node.error("expected none, optional or required, got " + ConfigNode.describe(node.value()));
        };
    }
}
