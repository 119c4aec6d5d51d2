package io.vigil.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The PEM files Patroni users have: certificates (a chain, or a CA bundle) and a private key in any form
 * OpenSSL writes: PKCS#8 plain or encrypted (PBES1 or PBES2), or the traditional RSA/EC form, plain or with a
 * {@code DEK-Info} header. Parsed by BouncyCastle; the keys become ordinary JDK keys (no security provider is
 * installed). Every failure is an {@link IllegalArgumentException} with one line naming the configuration key;
 * no message ever holds a password or key material.
 */
public final class PemFiles {

    /**
     * Handed to the decryptors only, never installed JVM-wide: the JDK's own providers lack some of OpenSSL's
     * key-encryption schemes (PBES2 as BouncyCastle names it, traditional {@code DEK-Info} ciphers).
     */
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private PemFiles() {
    }

    /**
     * Every certificate in {@code file}, in file order; other blocks (a private key in a combined file) are skipped.
     *
     * @param key the configuration key that named the file, e.g. {@code restapi.cafile}
     */
    public static List<X509Certificate> certificates(Path file, String key) {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object block : blocks(file, key, Optional.empty())) {
            if (block instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new IllegalArgumentException(key + ": a certificate in " + file + " is not valid X.509: "
                            + OneLine.of(e));
                }
            }
        }
        return certificates;
    }

    /**
     * The private key in {@code file}, the first one when there are several.
     *
     * @param key         the configuration key that named the file
     * @param passwordKey the configuration key of the password, e.g. {@code restapi.keyfile_password}
     * @param password    decrypts an encrypted key; ignored for a plain one
     */
    public static PrivateKey privateKey(Path file, String key, String passwordKey, Optional<String> password) {
        for (Object block : blocks(file, key, password)) {
            if (block instanceof PrivateKeyInfo plain) {
                return convert(plain, file, key);
            }
            if (block instanceof PEMKeyPair pair) {
                return convert(pair.getPrivateKeyInfo(), file, key);
            }
            if (block instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                char[] secret = required(password, file, key, passwordKey);
                try {
                    InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder()
                            .setProvider(BOUNCY_CASTLE).build(secret);
                    return convert(encrypted.decryptPrivateKeyInfo(decryptor), file, key);
                } catch (Exception e) {
                    throw wrongPassword(file, passwordKey);
                }
            }
            if (block instanceof PEMEncryptedKeyPair encrypted) {
                char[] secret = required(password, file, key, passwordKey);
                try {
                    return convert(encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                            .setProvider(BOUNCY_CASTLE).build(secret))
                            .getPrivateKeyInfo(), file, key);
                } catch (Exception e) {
                    throw wrongPassword(file, passwordKey);
                }
            }
        }
        throw new IllegalArgumentException(key + ": no PEM private key in " + file);
    }

    /** Whether {@code file} holds a private key block, as a certificate file that doubles as the key file does. */
    public static boolean holdsPrivateKey(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).contains("PRIVATE KEY-----");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The certificates of a CA file as a trust store.
     *
     * @throws IllegalArgumentException naming {@code key} when the file holds no certificate
     */
    public static KeyStore trustStore(Path file, String key) {
        List<X509Certificate> cas = certificates(file, key);
        if (cas.isEmpty()) {
            throw new IllegalArgumentException(key + ": no certificate in " + file);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a trust store: " + OneLine.of(e), e);
        }
    }

    private static char[] required(Optional<String> password, Path file, String key, String passwordKey) {
        return password.orElseThrow(() -> new IllegalArgumentException(key + ": the private key in " + file
                + " is encrypted; set " + passwordKey)).toCharArray();
    }

    private static IllegalArgumentException wrongPassword(Path file, String passwordKey) {
        return new IllegalArgumentException(passwordKey + ": cannot decrypt the private key in " + file
                + " with " + passwordKey + " (wrong password?)");
    }

    private static PrivateKey convert(PrivateKeyInfo info, Path file, String key) {
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(key + ": the private key in " + file + " is of a kind Java cannot use: "
                    + OneLine.of(e));
        }
    }

    private static List<Object> blocks(Path file, String key, Optional<String> password) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(key + ": no such file: " + file);
        }
        List<Object> blocks = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                blocks.add(block);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle's messages name the block that failed, never its content.
            throw new IllegalArgumentException(key + ": cannot read PEM from " + file + ": " + OneLine.of(e));
        }
        return blocks;
    }
}
