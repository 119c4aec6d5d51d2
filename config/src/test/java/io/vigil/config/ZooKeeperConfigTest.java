package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooKeeperConfigTest {

    @TempDir
    Path dir;

    private static ZooKeeperConfig zookeeper(Map<String, Object> section) {
        Map<String, Object> full = new LinkedHashMap<>(section);
        full.putIfAbsent("hosts", List.of("zk1:2281"));
        return ZooKeeperConfig.from(ConfigNode.root(Map.of("zookeeper", full)));
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void readsPatronisTlsKeysAndUpperCasesSetAclsPermissions() throws Exception {
        Path ca = file("ca.pem", "x");
        Path cert = file("cert.pem", "x");
        Path key = file("key.pem", "x");
        Map<String, Object> acls = new LinkedHashMap<>();
        acls.put("CN=patroni", List.of("all"));
        acls.put("CN=monitor", List.of("Read", "ADMIN"));
        ZooKeeperConfig zk = zookeeper(Map.of("use_ssl", true, "verify", "off", "cacert", ca.toString(),
                "cert", cert.toString(), "key", key.toString(), "key_password", "s3cret", "set_acls", acls));
        assertThat(zk.useSsl()).isTrue();
        assertThat(zk.verify()).isFalse();
        assertThat(zk.cacert()).contains(ca);
        assertThat(zk.cert()).contains(cert);
        assertThat(zk.key()).contains(key);
        assertThat(zk.keyPassword()).contains("s3cret");
        assertThat(zk.setAcls()).containsExactly(Map.entry("CN=patroni", List.of("ALL")),
                Map.entry("CN=monitor", List.of("READ", "ADMIN")));
        assertThat(zk.toString()).doesNotContain("s3cret");
    }

    @Test
    void plainByDefault() {
        ZooKeeperConfig zk = zookeeper(Map.of());
        assertThat(zk.useSsl()).isFalse();
        assertThat(zk.verify()).isTrue();
        assertThat(zk.setAcls()).isEmpty();
        assertThat(zk.cert()).isEqualTo(Optional.empty());
    }

    @Test
    void refusesBadSetAclsNamingTheKeyPath() {
        assertThatThrownBy(() -> zookeeper(Map.of("set_acls", Map.of("CN=patroni", List.of("READ", "rw")))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("zookeeper.set_acls.CN=patroni: unknown permission \"rw\" (expected CREATE, READ, WRITE,"
                        + " DELETE, ADMIN, ALL)");
        assertThatThrownBy(() -> zookeeper(Map.of("set_acls", List.of("CN=patroni"))))
                .hasMessageStartingWith("zookeeper.set_acls: expected a mapping of x509 principal to a list of permissions");
        assertThatThrownBy(() -> zookeeper(Map.of("set_acls", Map.of("CN=patroni", "ALL"))))
                .hasMessageStartingWith("zookeeper.set_acls.CN=patroni: expected a list of permissions");
    }

    @Test
    void refusesACertificateWithoutKeyAndMissingFiles() throws Exception {
        Path cert = file("cert.pem", "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> zookeeper(Map.of("use_ssl", true, "cert", cert.toString())))
                .hasMessage("zookeeper.key: required when zookeeper.cert is set (" + cert + " holds no private key)");
        Path combined = file("combined.pem", "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n");
        assertThat(zookeeper(Map.of("use_ssl", true, "cert", combined.toString())).key()).isEmpty();
        assertThatThrownBy(() -> zookeeper(Map.of("use_ssl", true, "cacert", dir.resolve("nope.pem").toString())))
                .hasMessage("zookeeper.cacert: no such file: " + dir.resolve("nope.pem"));
        assertThatThrownBy(() -> zookeeper(Map.of("key", cert.toString())))
                .hasMessage("zookeeper.cert: required when zookeeper.key is set");
    }

    @Test
    void aClientReadsTheSameSectionWithTheEnvironmentOverIt() throws Exception {
        Path ca = file("ca.pem", "x");
        Map<String, Object> yaml = Map.of("zookeeper", Map.of("hosts", List.of("zk9:2181"), "use_ssl", true,
                "set_acls", Map.of("CN=patroni", List.of("ALL"))));
        ZooKeeperConfig zk = ZooKeeperConfig.forClient(yaml, Map.of("PATRONI_ZOOKEEPER_CACERT", ca.toString()), "zk1:2281");
        assertThat(zk.hosts()).containsExactly("zk1:2281");
        assertThat(zk.useSsl()).isTrue();
        assertThat(zk.cacert()).contains(ca);
        assertThat(zk.setAcls()).containsOnlyKeys("CN=patroni");
    }
}
