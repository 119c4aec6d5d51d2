package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.tls.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil patroni.yml} with REST TLS or allowlist settings it cannot use: exit 2 and one line on stderr naming
 * the key, before anything listens or connects (ZooKeeper here is an address nobody answers on).
 */
class DaemonTlsStartupTest {

    @TempDir
    static Path dir;
    static TestCertificates certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = new TestCertificates(dir).ca("ca").server("rest", "ca").client("other", "other", "ca")
                .encryptedPkcs8("rest", "rest-encrypted.key");
        Files.writeString(dir.resolve("empty-ca.pem"), "# no certificates\n");
    }

    record Exit(int code, String err) {
    }

    private static Exit run(String restapi) throws Exception {
        Path config = Files.writeString(Files.createTempFile(dir, "patroni", ".yml"), "scope: demo\nname: n1\n"
                + "restapi:\n  listen: 127.0.0.1:" + freePort() + "\n" + restapi
                + "zookeeper:\n  hosts: ['127.0.0.1:1']\n"
                + "postgresql:\n  listen: 127.0.0.1:5432\n  data_dir: " + dir.resolve("data") + "\n"
                + "  bin_dir: /usr/lib/postgresql/15/bin\n  pgpass: " + dir.resolve("pgpass") + "\n"
                + "  authentication:\n    replication:\n      username: replicator\n      password: rep-pass\n"
                + "    superuser:\n      username: postgres\n      password: su-pass\n");
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Daemon.run(new String[] {config.toString()});
            return new Exit(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tls(String cert, String key) {
        return "  certfile: " + certs.file(cert) + "\n  keyfile: " + certs.file(key) + "\n";
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificate() throws Exception {
        assertThat(run(tls("rest.pem", "other.key"))).isEqualTo(new Exit(2, "vigil: restapi.keyfile: the private key in "
                + certs.file("other.key") + " does not belong to the certificate in " + certs.file("rest.pem") + "\n"));
    }

    @Test
    void aWrongKeyPasswordIsNamedButNeverShown() throws Exception {
        Exit exit = run(tls("rest.pem", "rest-encrypted.key") + "  keyfile_password: hunter2-wrong\n");
        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.err()).startsWith("vigil: restapi.keyfile_password: cannot decrypt the private key in ")
                .doesNotContain("hunter2").hasLineCount(1);
    }

    @Test
    void aCaFileWithoutCertificatesAnUnknownVerifyClientAMissingFile() throws Exception {
        assertThat(run(tls("rest.pem", "rest.key") + "  cafile: " + dir.resolve("empty-ca.pem") + "\n"
                + "  verify_client: required\n"))
                .isEqualTo(new Exit(2, "vigil: restapi.cafile: no certificate in " + dir.resolve("empty-ca.pem") + "\n"));
        assertThat(run(tls("rest.pem", "rest.key") + "  verify_client: sometimes\n"))
                .isEqualTo(new Exit(2, "vigil: restapi.verify_client: expected none, optional or required, got "
                        + "\"sometimes\"\n"));
        assertThat(run("  certfile: " + dir.resolve("gone.pem") + "\n"))
                .isEqualTo(new Exit(2, "vigil: restapi.certfile: no such file: " + dir.resolve("gone.pem") + "\n"));
    }

    @Test
    void anAllowlistEntryThatIsNoAddressNetworkOrHost() throws Exception {
        assertThat(run("  allowlist: ['127.0.0.1', 'no-such-host.invalid']\n")).isEqualTo(new Exit(2,
                "vigil: restapi.allowlist: \"no-such-host.invalid\" is neither an IP address, a CIDR nor a host name "
                        + "that resolves\n"));
    }
}
