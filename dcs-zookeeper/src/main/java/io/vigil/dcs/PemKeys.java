package io.vigil.dcs;

import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

/** PEM private keys as Patroni users have them (PKCS#8, plain or encrypted), read with the JDK alone. */
final class PemKeys {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** A PBES1 scheme ZooKeeper's PemReader decrypts (it cannot do PBES2, OpenSSL 3's default). */
    private static final String ZOOKEEPER_PBE = "PBEWithSHA1AndDESede";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PemKeys() {
    }

    /** The private key in {@code pem}, decrypted with {@code password} when encrypted. */
    static PrivateKey decode(String pem, Path file, String keyName, Optional<String> password, String algorithm) {
        PKCS8EncodedKeySpec spec = pkcs8(pem, file, keyName, password);
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(spec);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(keyName + ": the private key in " + file
                    + " is not an " + algorithm + " key like the certificate's: " + ZooKeeperTls.oneLine(e));
        }
    }

    /**
     * Whether {@code key} is the private half of {@code certificate}: a random challenge signed with the one must
     * verify with the other. Key types without a signature scheme here (RSASSA-PSS) count as matching.
     */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            return false;
        }
        String scheme = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
            default -> null;
        };
        if (scheme == null) {
            return true;
        }
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance(scheme);
            signer.initSign(key);
            signer.update(challenge);
            Signature verifier = Signature.getInstance(scheme);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signer.sign());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The key block for ZooKeeper's PEM key store: as is when plain, else re-encrypted with the same password. */
    static String forZooKeeper(String pem, Path file, String keyName, Optional<String> password) {
        PKCS8EncodedKeySpec spec = pkcs8(pem, file, keyName, password);
        if (password.isEmpty() || !isEncrypted(pem)) {
            return block("PRIVATE KEY", spec.getEncoded());
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
                    new EncryptedPrivateKeyInfo(algorithm, cipher.doFinal(spec.getEncoded())).getEncoded());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException(keyName + ": cannot prepare the key in " + file + " for ZooKeeper: "
                    + ZooKeeperTls.oneLine(e));
        }
    }

    /** Only the CERTIFICATE blocks of {@code pem}, so that a combined cert+key file does not add a second key. */
    static String certificates(String pem) {
        StringBuilder out = new StringBuilder();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                out.append(m.group()).append('\n');
            }
        }
        return out.toString();
    }

    private static boolean isEncrypted(String pem) {
        return pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    }

    private static PKCS8EncodedKeySpec pkcs8(String pem, Path file, String keyName, Optional<String> password) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            if (m.group(2).contains("Proc-Type:") || !(type.equals("PRIVATE KEY") || type.equals("ENCRYPTED PRIVATE KEY"))) {
                throw new IllegalArgumentException(keyName + ": " + file + " holds a " + type + " in OpenSSL's"
                        + " traditional format; convert it to PKCS#8: openssl pkcs8 -topk8 -in " + file
                        + " -out key.pem (add -nocrypt for no password)");
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(2).strip());
            if (type.equals("PRIVATE KEY")) {
                return new PKCS8EncodedKeySpec(der);
            }
            if (password.isEmpty()) {
                throw new IllegalArgumentException(keyName + ": the private key in " + file
                        + " is encrypted; set zookeeper.key_password");
            }
            return decrypt(der, file, password.get());
        }
        throw new IllegalArgumentException(keyName + ": no PEM private key in " + file);
    }

    private static PKCS8EncodedKeySpec decrypt(byte[] der, Path file, String password) {
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters parameters = info.getAlgParameters();
            // PBES2 reports its real scheme (e.g. PBEWithHmacSHA256AndAES_256) only through its parameters.
            String scheme = info.getAlgName().equals("PBES2") || info.getAlgName().equals("1.2.840.113549.1.5.13")
                    ? parameters.toString() : info.getAlgName();
            SecretKey secret = SecretKeyFactory.getInstance(scheme).generateSecret(new PBEKeySpec(password.toCharArray()));
            Cipher cipher = Cipher.getInstance(scheme);
            cipher.init(Cipher.DECRYPT_MODE, secret, parameters);
            return info.getKeySpec(cipher);
        } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("zookeeper.key_password: cannot decrypt the private key in " + file
                    + " with zookeeper.key_password (wrong password?): " + ZooKeeperTls.oneLine(e));
        }
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
