package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** restapi TLS and allowlist keys, their environment variables, what a reload applies, and vigilctl's ctl keys. */
class RestApiSecurityConfigTest {

    @TempDir
    Path dir;
    Path cert;
    Path key;
    Path ca;

    @BeforeEach
    void files() throws IOException {
        // Contents are the REST server's to check; the configuration only needs readable files.
        cert = Files.writeString(dir.resolve("rest.pem"), "cert");
        key = Files.writeString(dir.resolve("rest.key"), "key");
        ca = Files.writeString(dir.resolve("ca.pem"), "ca");
    }

    private VigilConfig load(String restapiExtra, Map<String, String> env) throws IOException {
        String yaml = ConfigLoaderTest.minimal().replace("  listen: 127.0.0.1:8008\n", "  listen: 127.0.0.1:8008\n" + restapiExtra);
        return ConfigLoader.load(Files.writeString(dir.resolve("patroni.yml"), yaml), env);
    }

    private String tlsKeys(String verifyClient) {
        return "  certfile: " + cert + "\n  keyfile: " + key + "\n  keyfile_password: pw\n  cafile: " + ca
                + "\n  ciphers: ECDHE+AESGCM\n  verify_client: " + verifyClient + "\n";
    }

    @Test
    void readsTheTlsKeysAndAllowlistAndNeverShowsThePassword() throws IOException {
        VigilConfig config = load(tlsKeys("Required") + "  allowlist: [127.0.0.1, '10.0.0.0/8', db1.example]\n"
                + "  allowlist_include_members: true\n", Map.of());
        RestApiTls tls = config.restapi().tls().orElseThrow();
        assertThat(tls).isEqualTo(new RestApiTls(cert, Optional.of(key), Optional.of("pw"), Optional.of(ca),
                Optional.of("ECDHE+AESGCM"), RestApiTls.VerifyClient.REQUIRED));
        assertThat(config.restapi().scheme()).isEqualTo("https");
        assertThat(config.restapi().allowlist()).containsExactly("127.0.0.1", "10.0.0.0/8", "db1.example");
        assertThat(config.restapi().allowlistIncludeMembers()).isTrue();
        assertThat(config.toString()).doesNotContain("pw,").contains("keyfilePassword=Optional[<hidden>]");
    }

    @Test
    void withoutCertfileTheApiIsPlainHttpAsInPatroni() throws IOException {
        VigilConfig config = load("  keyfile: " + key + "\n  verify_client: required\n", Map.of());
        assertThat(config.restapi().tls()).isEmpty();
        assertThat(config.restapi().scheme()).isEqualTo("http");
    }

    @Test
    void environmentVariablesSetTheSameKeys() throws IOException {
        VigilConfig config = load("", Map.of("PATRONI_RESTAPI_CERTFILE", cert.toString(),
                "PATRONI_RESTAPI_KEYFILE", key.toString(), "PATRONI_RESTAPI_KEYFILE_PASSWORD", "from-env",
                "PATRONI_RESTAPI_VERIFY_CLIENT", "optional", "PATRONI_RESTAPI_ALLOWLIST", "127.0.0.1, ::1",
                "PATRONI_RESTAPI_ALLOWLIST_INCLUDE_MEMBERS", "on"));
        RestApiTls tls = config.restapi().tls().orElseThrow();
        assertThat(tls.keyfilePassword()).contains("from-env");
        assertThat(tls.verifyClient()).isEqualTo(RestApiTls.VerifyClient.OPTIONAL);
        assertThat(config.restapi().allowlist()).containsExactly("127.0.0.1", "::1");
        assertThat(config.restapi().allowlistIncludeMembers()).isTrue();
    }

    @Test
    void badValuesAreOneLineNamingTheKey() {
        assertThatThrownBy(() -> load(tlsKeys("always"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("restapi.verify_client: expected none, optional or required, got \"always\"");
        assertThatThrownBy(() -> load("  certfile: " + dir.resolve("nope.pem") + "\n", Map.of()))
                .hasMessage("restapi.certfile: no such file: " + dir.resolve("nope.pem"));
        assertThatThrownBy(() -> load("  certfile: " + cert + "\n  cafile: " + dir + "\n", Map.of()))
                .hasMessage("restapi.cafile: no such file: " + dir);
    }

    @Test
    void aReloadSwapsFilesAndAllowlistButNamesWhatNeedsANewListener() throws IOException {
        VigilConfig running = load(tlsKeys("required") + "  allowlist: [127.0.0.1]\n", Map.of());
        Path newCert = Files.writeString(dir.resolve("rest2.pem"), "cert2");
        VigilConfig reread = load(tlsKeys("optional").replace(cert.toString(), newCert.toString())
                .replace("ECDHE+AESGCM", "HIGH") + "  allowlist: [127.0.0.2]\n  allowlist_include_members: true\n",
                Map.of());
        ConfigReload reload = ConfigReload.of(running, reread);
        RestApiConfig effective = reload.effective().restapi();
        assertThat(effective.tls().orElseThrow().certfile()).isEqualTo(newCert);
        assertThat(effective.tls().orElseThrow().verifyClient()).isEqualTo(RestApiTls.VerifyClient.REQUIRED);
        assertThat(effective.tls().orElseThrow().ciphers()).contains("ECDHE+AESGCM");
        assertThat(effective.allowlist()).containsExactly("127.0.0.2");
        assertThat(effective.allowlistIncludeMembers()).isTrue();
        assertThat(reload.needsRestart()).containsExactly("restapi.verify_client", "restapi.ciphers");

        ConfigReload toPlain = ConfigReload.of(running, load("", Map.of()));
        assertThat(toPlain.effective().restapi().tls()).isEqualTo(running.restapi().tls());
        assertThat(toPlain.needsRestart()).containsExactly("restapi.certfile");
    }

    @Test
    void vigilctlTakesCtlKeysElseTheRestApiOnesAsPatronictl() throws IOException {
        Path clientCert = Files.writeString(dir.resolve("client.pem"), "c");
        Map<String, Object> both = Map.of(
                "ctl", Map.of("certfile", clientCert.toString(), "insecure", true),
                "restapi", Map.of("certfile", cert.toString(), "keyfile", key.toString(), "cafile", ca.toString()));
        CtlConfig ctl = CtlConfig.forClient(both, Map.of());
        assertThat(ctl.certfile()).contains(clientCert);
        assertThat(ctl.keyfile()).isEmpty(); // from ctl, the section of the certificate: a combined file
        assertThat(ctl.cacert()).contains(ca);
        assertThat(ctl.cacertKey()).isEqualTo("restapi.cafile");
        assertThat(ctl.insecure()).isTrue();
        assertThat(ctl.key("certfile")).isEqualTo("ctl.certfile");

        CtlConfig restOnly = CtlConfig.forClient(Map.of("restapi", Map.of("certfile", cert.toString(),
                "keyfile", key.toString(), "keyfile_password", "pw")), Map.of());
        assertThat(restOnly.certfile()).contains(cert);
        assertThat(restOnly.keyfile()).contains(key);
        assertThat(restOnly.keyfilePassword()).contains("pw");
        assertThat(restOnly.key("keyfile")).isEqualTo("restapi.keyfile");
        assertThat(restOnly.toString()).doesNotContain("pw");

        CtlConfig fromEnv = CtlConfig.forClient(Map.of(), Map.of("PATRONI_CTL_CERTFILE", clientCert.toString(),
                "PATRONI_CTL_KEYFILE", key.toString(), "PATRONI_CTL_CACERT", ca.toString(), "PATRONI_CTL_INSECURE", "false",
                "PATRONI_CTL_KEYFILE_PASSWORD", "envpw"));
        assertThat(fromEnv).isEqualTo(new CtlConfig(Optional.of(clientCert), Optional.of(key), Optional.of("envpw"),
                Optional.of(ca), false, "ctl", "ctl.cacert"));
        assertThat(CtlConfig.forClient(Map.of(), Map.of())).isEqualTo(new CtlConfig(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), false, "ctl", "restapi.cafile"));
        assertThatThrownBy(() -> CtlConfig.forClient(Map.of("ctl", Map.of("cacert", "/nope/ca.pem")), Map.of()))
                .hasMessage("ctl.cacert: no such file: /nope/ca.pem");
    }

    @Test
    void anAllowlistMayBeOneString() throws IOException {
        assertThat(load("  allowlist: 127.0.0.1\n", Map.of()).restapi().allowlist()).isEqualTo(List.of("127.0.0.1"));
    }
}
