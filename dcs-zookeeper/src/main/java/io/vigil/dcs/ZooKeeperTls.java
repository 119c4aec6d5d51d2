package io.vigil.dcs;

import io.vigil.tls.CertifiedKey;
import io.vigil.tls.KeyNames;
import io.vigil.tls.OneLine;
import io.vigil.tls.PemFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.common.X509Exception;

/**
 * TLS to ZooKeeper with Patroni's {@code zookeeper} keys, carried out by ZooKeeper's own Netty client TLS. The
 * settings go into one client's {@link ZKClientConfig}, never into JVM-wide system properties.
 *
 * <p>ZooKeeper reads a PEM key store from one file holding the private key and the certificate chain, while
 * Patroni users have two files ({@code cert}, {@code key}); {@link #apply} joins them into a private (0600)
 * temporary file, kept until {@link Material#close()}. An encrypted key stays encrypted in it.
 *
 * @param caCert      {@code zookeeper.cacert}: the CA bundle trusted for the servers' certificates; when absent
 *                    the JDK's default trust store
 * @param cert        {@code zookeeper.cert}: client certificate (chain); absent means no client certificate
 * @param key         {@code zookeeper.key}: its private key; absent when {@code cert} holds the key too
 * @param keyPassword {@code zookeeper.key_password}
 * @param verify      {@code zookeeper.verify}: check that the server certificate names the host connected to
 */
public record ZooKeeperTls(Optional<Path> caCert, Optional<Path> cert, Optional<Path> key,
                           Optional<String> keyPassword, boolean verify) {

    private static final KeyNames KEYS = new KeyNames("zookeeper.cert", "zookeeper.key", "zookeeper.key_password");

    public ZooKeeperTls {
        Objects.requireNonNull(caCert, "caCert");
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(keyPassword, "keyPassword");
        if (key.isPresent() && cert.isEmpty()) {
            throw new IllegalArgumentException("zookeeper.cert: required when zookeeper.key is set");
        }
    }

    @Override
    public String toString() {
        return "ZooKeeperTls[caCert=" + caCert + ", cert=" + cert + ", key=" + key + ", keyPassword="
                + keyPassword.map(p -> "***") + ", verify=" + verify + "]";
    }

    /**
     * Reads the files as the client will, so that a wrong password or a bad file is reported by key at start
     * instead of as a failed handshake later.
     *
     * @throws IllegalArgumentException with a one-line message naming the key
     */
    void check() {
        caCert.ifPresent(ca -> PemFiles.trustStore(ca, "zookeeper.cacert"));
        cert.ifPresent(c -> certifiedKey(c));
        try (Material material = apply(new ZKClientConfig())) {
            new ClientX509Util().createSSLContextAndOptions(material.config);
        } catch (X509Exception.SSLContextException e) {
            throw new IllegalArgumentException("zookeeper.use_ssl: cannot set up TLS: " + oneLine(e));
        }
    }

    private CertifiedKey certifiedKey(Path certFile) {
        CertifiedKey loaded = CertifiedKey.load(certFile, key, keyPassword, KEYS);
        checkValidity(loaded.leaf(), certFile);
        return loaded;
    }

    /** ZooKeeper servers refuse an expired client certificate with a bare handshake failure: say it at start. */
    private static void checkValidity(X509Certificate leaf, Path file) {
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new IllegalArgumentException("zookeeper.cert: the certificate in " + file + " ("
                    + leaf.getSubjectX500Principal().getName() + ") expired on " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new IllegalArgumentException("zookeeper.cert: the certificate in " + file + " ("
                    + leaf.getSubjectX500Principal().getName() + ") is not valid before "
                    + leaf.getNotBefore().toInstant());
        }
    }

    /** Sets the TLS properties on {@code config}; the returned material must be closed with the client. */
    Material apply(ZKClientConfig config) {
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        try (ClientX509Util x509 = new ClientX509Util()) {
            config.setProperty(x509.getSslHostnameVerificationEnabledProperty(), Boolean.toString(verify));
            caCert.ifPresent(ca -> {
                config.setProperty(x509.getSslTruststoreLocationProperty(), ca.toString());
                config.setProperty(x509.getSslTruststoreTypeProperty(), KeyStoreType.PEM);
            });
            Path keyStore = null;
            if (cert.isPresent()) {
                keyStore = keyStore(cert.get());
                config.setProperty(x509.getSslKeystoreLocationProperty(), keyStore.toString());
                config.setProperty(x509.getSslKeystoreTypeProperty(), KeyStoreType.PEM);
                config.setProperty(x509.getSslKeystorePasswdProperty(), keyPassword.orElse(""));
            }
            return new Material(config, keyStore);
        }
    }

    /**
     * The key, then the certificate chain, in one 0600 temporary file. The key is read in any form (see
     * {@link PemFiles}) and, when a password is set, written encrypted with it in a scheme ZooKeeper's PEM reader
     * can decrypt: it knows only PKCS#8 with PBES1, while OpenSSL 3 writes PBES2 (AES) by default.
     */
    private Path keyStore(Path cert) {
        CertifiedKey material = certifiedKey(cert);
        String keyPem = ZooKeeperPem.privateKey(material.privateKey(), keyPassword);
        String certPem = ZooKeeperPem.certificates(material.chain());
        Path file = null;
        try {
            file = Files.createTempFile("vigil-zk-client-", ".pem",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            file.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(keyPem.getBytes(StandardCharsets.US_ASCII));
                out.write(certPem.getBytes(StandardCharsets.US_ASCII));
            }
            return file;
        } catch (IOException e) {
            if (file != null) {
                file.toFile().delete();
            }
            throw new IllegalArgumentException("zookeeper.cert: cannot prepare the client key store from " + cert
                    + ": " + oneLine(e));
        }
    }

    static String oneLine(Throwable e) {
        return OneLine.of(e);
    }

    /** The client's TLS settings and the temporary key store behind them. */
    static final class Material implements AutoCloseable {
        final ZKClientConfig config;
        private final Path temporary;

        private Material(ZKClientConfig config, Path temporary) {
            this.config = config;
            this.temporary = temporary;
        }

        @Override
        public void close() {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    temporary.toFile().deleteOnExit();
                }
            }
        }
    }

    private static final class KeyStoreType {
        static final String PEM = "PEM";
        private KeyStoreType() {
        }
    }

}
