package io.vigil.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertifiedKeyTest {
    private static final KeyNames REST = KeyNames.restStyle("restapi");

    @TempDir
    static Path dir;
    static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = new TestCertificates(dir).ca("ca").server("server", "ca").client("other", "other", "ca")
                .rsaServer("rsa", "ca")
                .encryptedPkcs8("server", "server-pkcs8.key").encryptedTraditional("server", "server-ec-traditional.key")
                .encryptedTraditional("rsa", "rsa-traditional.key")
                .concat("combined.pem", "server.pem", "server.key");
        Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
    }

    private static CertifiedKey load(String cert, String key, String password) {
        return CertifiedKey.load(certs.file(cert), Optional.ofNullable(key).map(certs::file),
                Optional.ofNullable(password), REST);
    }

    @Test
    void readsEveryKeyFormOpenSslWrites() {
        assertThat(load("server.pem", "server.key", null).leaf().getSerialNumber()).isEqualTo(certs.serial("server"));
        assertThat(load("server.pem", "server-pkcs8.key", TestCertificates.KEY_PASSWORD).privateKey().getAlgorithm())
                .isEqualTo("EC");
        assertThat(load("server.pem", "server-ec-traditional.key", TestCertificates.KEY_PASSWORD).privateKey()
                .getAlgorithm()).isEqualTo("EC");
        assertThat(load("rsa.pem", "rsa.key", null).privateKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(load("rsa.pem", "rsa-traditional.key", TestCertificates.KEY_PASSWORD).privateKey().getAlgorithm())
                .isEqualTo("RSA");
    }

    @Test
    void aCombinedFileHoldsBothCertificateAndKey() throws Exception {
        CertifiedKey combined = load("combined.pem", null, null);
        assertThat(combined.leaf().getSerialNumber()).isEqualTo(certs.serial("server"));
        KeyStore store = combined.keyStore("rest", "x".toCharArray());
        assertThat(store.isKeyEntry("rest")).isTrue();
        assertThatThrownBy(() -> load("server.pem", null, null))
                .hasMessage("restapi.keyfile: required, " + certs.file("server.pem")
                        + " (restapi.certfile) holds no private key");
    }

    @Test
    void eachBadFileIsOneLineNamingTheKeyAndNeverThePassword() {
        assertThatThrownBy(() -> load("missing.pem", "server.key", null))
                .hasMessage("restapi.certfile: no such file: " + certs.file("missing.pem"));
        assertThatThrownBy(() -> load("empty.pem", "server.key", null))
                .hasMessage("restapi.certfile: no certificate in " + certs.file("empty.pem"));
        assertThatThrownBy(() -> load("server.pem", "other.key", null))
                .hasMessage("restapi.keyfile: the private key in " + certs.file("other.key")
                        + " does not belong to the certificate in " + certs.file("server.pem"));
        assertThatThrownBy(() -> load("server.pem", "server-pkcs8.key", null))
                .hasMessage("restapi.keyfile: the private key in " + certs.file("server-pkcs8.key")
                        + " is encrypted; set restapi.keyfile_password");
        for (String encrypted : new String[] {"server-pkcs8.key", "server-ec-traditional.key", "rsa-traditional.key"}) {
            String cert = encrypted.startsWith("rsa") ? "rsa.pem" : "server.pem";
            assertThatThrownBy(() -> load(cert, encrypted, "guess-w0rd"))
                    .hasMessage("restapi.keyfile_password: cannot decrypt the private key in " + certs.file(encrypted)
                            + " with restapi.keyfile_password (wrong password?)")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("guess-w0rd"));
        }
        assertThatThrownBy(() -> load("server.pem", "server.pem", null))
                .hasMessage("restapi.keyfile: no PEM private key in " + certs.file("server.pem"));
    }

    @Test
    void aCaFileWithoutCertificatesIsRefused() throws Exception {
        assertThat(PemFiles.trustStore(certs.file("ca.pem"), "restapi.cafile").size()).isEqualTo(1);
        assertThatThrownBy(() -> PemFiles.trustStore(certs.file("empty.pem"), "restapi.cafile"))
                .hasMessage("restapi.cafile: no certificate in " + certs.file("empty.pem"));
        assertThatThrownBy(() -> PemFiles.trustStore(certs.file("server.key"), "restapi.cafile"))
                .hasMessage("restapi.cafile: no certificate in " + certs.file("server.key"));
    }
}
