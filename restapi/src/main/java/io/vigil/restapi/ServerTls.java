package io.vigil.restapi;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTPS for the REST API with Patroni's {@code restapi} keys.
 *
 * @param certfile        {@code certfile}: PEM certificate chain, possibly holding the key too
 * @param keyfile         {@code keyfile}: PEM private key; absent when {@code certfile} holds it
 * @param keyfilePassword {@code keyfile_password}
 * @param cafile          {@code cafile}: CAs that sign client certificates; absent means the JDK's default CAs
 * @param ciphers         {@code ciphers}: an OpenSSL cipher string, see {@link CipherSuites}
 * @param clientCertificates {@code verify_client}
 */
public record ServerTls(Path certfile, Optional<Path> keyfile, Optional<String> keyfilePassword, Optional<Path> cafile,
                        Optional<String> ciphers, ClientCertificates clientCertificates) {

    /** {@code verify_client}: whether the TLS handshake asks for a client certificate, and whether it must come. */
    public enum ClientCertificates { NONE, OPTIONAL, REQUIRED }

    public ServerTls {
        Objects.requireNonNull(certfile, "certfile");
        Objects.requireNonNull(keyfile, "keyfile");
        Objects.requireNonNull(keyfilePassword, "keyfilePassword");
        Objects.requireNonNull(cafile, "cafile");
        Objects.requireNonNull(ciphers, "ciphers");
        Objects.requireNonNull(clientCertificates, "clientCertificates");
    }

    @Override
    public String toString() {
        return "ServerTls[certfile=" + certfile + ", keyfile=" + keyfile + ", keyfilePassword="
                + keyfilePassword.map(p -> "<hidden>") + ", cafile=" + cafile + ", ciphers=" + ciphers
                + ", clientCertificates=" + clientCertificates + "]";
    }
}
