package io.vigil.restapi;

import io.vigil.tls.CertifiedKey;
import io.vigil.tls.KeyNames;
import io.vigil.tls.OneLine;
import io.vigil.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTPS side of the REST API's listener: Jetty's {@link SslContextFactory.Server} loaded from the PEM files of
 * {@link ServerTls}, and swapped in place when those files change, so a renewed certificate is served without
 * closing the port. Connections already open keep the certificate they were handshaken with.
 */
final class ListenerTls {

    static final KeyNames KEYS = KeyNames.restStyle("restapi");
    private static final String ALIAS = "restapi";
    /** Protects the in-memory key store only; it never reaches a file. */
    private static final char[] STORE_PASSWORD = "vigil-in-memory".toCharArray();

    private final SslContextFactory.Server factory = new SslContextFactory.Server();
    private ServerTls settings;
    private Loaded loaded;

    /**
     * Reads and checks every file now, so that a bad one stops the agent at start with one line naming the key.
     *
     * @throws IllegalArgumentException naming the {@code restapi} key that is wrong
     */
    ListenerTls(ServerTls settings) {
        this.settings = settings;
        this.loaded = Loaded.from(settings);
        factory.setKeyStore(loaded.keyStore);
        factory.setKeyStorePassword(new String(STORE_PASSWORD));
        factory.setCertAlias(ALIAS);
        loaded.trustStore.ifPresent(factory::setTrustStore);
        factory.setNeedClientAuth(settings.clientCertificates() == ServerTls.ClientCertificates.REQUIRED);
        factory.setWantClientAuth(settings.clientCertificates() == ServerTls.ClientCertificates.OPTIONAL);
        // Peers and load balancers reach agents by IP or by names the certificate may not carry; Patroni does not
        // match the Host header against the certificate either.
        factory.setSniRequired(false);
        settings.ciphers().ifPresent(ciphers -> {
            factory.setIncludeCipherSuites(CipherSuites.select(ciphers, supportedSuites()).toArray(String[]::new));
            // What the operator asked for, not Jetty's list of weak suites on top of it (the JDK's own
            // jdk.tls.disabledAlgorithms still applies).
            factory.setExcludeCipherSuites();
        });
    }

    SslContextFactory.Server factory() {
        return factory;
    }

    /** Whether requests must come with a client certificate to reach a write endpoint. */
    boolean checksClientCertificates() {
        return settings.clientCertificates() != ServerTls.ClientCertificates.NONE;
    }

    java.math.BigInteger serial() {
        return loaded.certificate.leaf().getSerialNumber();
    }

    /**
     * Loads {@code next}'s files when they (or their paths) differ from the ones served and swaps them in.
     *
     * @return whether a new certificate is served
     * @throws IllegalArgumentException naming the key that is wrong; the running certificate stays
     */
    synchronized boolean reload(ServerTls next) throws Exception {
        Loaded candidate = Loaded.from(next);
        if (next.equals(settings) && Arrays.equals(candidate.digest, loaded.digest)) {
            return false;
        }
        factory.reload(f -> {
            f.setKeyStore(candidate.keyStore);
            f.setTrustStore(candidate.trustStore.orElse(null));
        });
        settings = next;
        loaded = candidate;
        return true;
    }

    private static List<String> supportedSuites() {
        try {
            return List.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    /** The files as read: key store, trust store, and a digest of their bytes to notice a change. */
    private record Loaded(CertifiedKey certificate, KeyStore keyStore, Optional<KeyStore> trustStore, byte[] digest) {

        static Loaded from(ServerTls tls) {
            CertifiedKey certificate = CertifiedKey.load(tls.certfile(), tls.keyfile(), tls.keyfilePassword(), KEYS);
            Optional<KeyStore> trust = tls.cafile().map(ca -> PemFiles.trustStore(ca, "restapi.cafile"));
            MessageDigest digest = sha256();
            update(digest, tls.certfile(), KEYS.certificate());
            tls.keyfile().ifPresent(key -> update(digest, key, KEYS.key()));
            tls.cafile().ifPresent(ca -> update(digest, ca, "restapi.cafile"));
            return new Loaded(certificate, certificate.keyStore(ALIAS, STORE_PASSWORD), trust, digest.digest());
        }

        private static void update(MessageDigest digest, Path file, String key) {
            try {
                digest.update(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new IllegalArgumentException(key + ": cannot read " + file + ": " + OneLine.of(e));
            }
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
