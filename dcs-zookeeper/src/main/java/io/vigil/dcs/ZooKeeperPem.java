package io.vigil.dcs;

import java.io.IOException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

/** Key and certificates written as PEM in the forms ZooKeeper's own PEM key store reader accepts. */
final class ZooKeeperPem {
    /** A PBES1 scheme ZooKeeper's PemReader decrypts (it cannot do PBES2, OpenSSL 3's default). */
    private static final String ZOOKEEPER_PBE = "PBEWithSHA1AndDESede";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ZooKeeperPem() {
    }

    /** PKCS#8, encrypted with {@code password} when there is one so that the temporary file holds no plain key. */
    static String privateKey(PrivateKey key, Optional<String> password) {
        if (password.isEmpty()) {
            return block("PRIVATE KEY", key.getEncoded());
        }
        try {
            byte[] salt = new byte[16];
            RANDOM.nextBytes(salt);
            PBEParameterSpec parameters = new PBEParameterSpec(salt, 10_000);
            SecretKey secret = SecretKeyFactory.getInstance(ZOOKEEPER_PBE)
                    .generateSecret(new PBEKeySpec(password.get().toCharArray()));
            Cipher cipher = Cipher.getInstance(ZOOKEEPER_PBE);
            cipher.init(Cipher.ENCRYPT_MODE, secret, parameters);
            AlgorithmParameters algorithm = AlgorithmParameters.getInstance(ZOOKEEPER_PBE);
            algorithm.init(parameters);
            return block("ENCRYPTED PRIVATE KEY",
                    new EncryptedPrivateKeyInfo(algorithm, cipher.doFinal(key.getEncoded())).getEncoded());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("zookeeper.key: cannot prepare the key for ZooKeeper: "
                    + ZooKeeperTls.oneLine(e));
        }
    }

    static String certificates(List<X509Certificate> chain) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : chain) {
            try {
                out.append(block("CERTIFICATE", certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("zookeeper.cert: cannot encode " + certificate.getSubjectX500Principal()
                        + ": " + ZooKeeperTls.oneLine(e));
            }
        }
        return out.toString();
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
