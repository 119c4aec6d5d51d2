package io.vigil.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A certificate chain with its private key, read from Patroni's {@code certfile} / {@code keyfile} /
 * {@code keyfile_password} (or ZooKeeper's {@code cert} / {@code key} / {@code key_password}). As Python's
 * {@code load_cert_chain}, the key may sit in the certificate file itself when no key file is given.
 */
public record CertifiedKey(List<X509Certificate> chain, PrivateKey privateKey) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public CertifiedKey {
        chain = List.copyOf(chain);
        Objects.requireNonNull(privateKey, "privateKey");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs a certificate");
        }
    }

    /**
     * Reads and checks both files: a certificate, a key that decrypts, and a key that belongs to the certificate.
     *
     * @param keys the configuration keys of the certificate file, the key file and the password, in that order
     * @throws IllegalArgumentException one line naming the key to fix
     */
    public static CertifiedKey load(Path certfile, Optional<Path> keyfile, Optional<String> password, KeyNames keys) {
        List<X509Certificate> chain = PemFiles.certificates(certfile, keys.certificate());
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(keys.certificate() + ": no certificate in " + certfile);
        }
        Path keyPath = keyfile.orElse(certfile);
        String keyName = keyfile.isPresent() ? keys.key() : keys.certificate();
        if (keyfile.isEmpty() && !PemFiles.holdsPrivateKey(certfile)) {
            throw new IllegalArgumentException(keys.key() + ": required, " + certfile + " (" + keys.certificate()
                    + ") holds no private key");
        }
        PrivateKey key = PemFiles.privateKey(keyPath, keyName, keys.password(), password);
        if (!belongTogether(key, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException(keyName + ": the private key in " + keyPath
                    + " does not belong to the certificate in " + certfile);
        }
        return new CertifiedKey(chain, key);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** An in-memory key store holding this key and chain under {@code alias}, protected by {@code password}. */
    public KeyStore keyStore(String alias, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, privateKey, password, chain.toArray(X509Certificate[]::new));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a key store: " + OneLine.of(e), e);
        }
    }

    /** A signature by the key checks out with the certificate's public key. */
    private static boolean belongTogether(PrivateKey key, PublicKey certified) {
        if (!key.getAlgorithm().equals(certified.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true; // e.g. RSASSA-PSS: the TLS handshake is the check then
        }
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
