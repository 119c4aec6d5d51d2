package io.vigil.restapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.tls.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API over real TLS, with certificates made by openssl for this run. */
class HttpsRestApiTest {

    private static final BasicCredentials ADMIN = new BasicCredentials("admin", "s3cret");
    private static final String GOOD_AUTH = basic("admin:s3cret");
    private static final List<WriteEndpoint> RELOAD =
            List.of(new WriteEndpoint("POST", "/reload", req -> RestResponse.text(202, "reload scheduled")));

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static TlsClient anonymous;
    static TlsClient member;
    static TlsClient rogue;

    private final List<RestApiServer> servers = new ArrayList<>();
    private final FixedSource source = new FixedSource(Snapshots.leader());

    @BeforeAll
    static void certificates() throws Exception {
        certs = new TestCertificates(dir).ca("ca").ca("rogue-ca")
                .server("server", "ca").server("renewed", "ca")
                .client("client", "vigil-ctl", "ca").client("rogue", "vigil-ctl", "rogue-ca")
                .encryptedPkcs8("server", "server-encrypted.key");
        Files.writeString(dir.resolve("not-a-ca.pem"), "no certificates here\n");
        anonymous = TlsClient.trusting(certs.file("ca.pem"), Optional.empty(), Optional.empty());
        member = TlsClient.trusting(certs.file("ca.pem"), Optional.of(certs.file("client.pem")),
                Optional.of(certs.file("client.key")));
        rogue = TlsClient.trusting(certs.file("ca.pem"), Optional.of(certs.file("rogue.pem")),
                Optional.of(certs.file("rogue.key")));
    }

    @AfterEach
    void stop() {
        servers.forEach(RestApiServer::close);
    }

    private static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    private static ServerTls tls(ServerTls.ClientCertificates mode) {
        return new ServerTls(certs.file("server.pem"), Optional.of(certs.file("server-encrypted.key")),
                Optional.of(TestCertificates.KEY_PASSWORD), Optional.of(certs.file("ca.pem")), Optional.empty(), mode);
    }

    private RestApiServer start(ServerTls tls, Allowlist allowlist) {
        RestApiServer server = new RestApiServer("127.0.0.1", 0, source, Optional.of(ADMIN), RELOAD,
                Optional.of(tls), allowlist);
        servers.add(server);
        server.start();
        return server;
    }

    @Test
    void healthChecksAnswerOverHttpsInEveryVerifyClientMode() throws Exception {
        for (ServerTls.ClientCertificates mode : ServerTls.ClientCertificates.values()) {
            int port = start(tls(mode), Allowlist.OPEN).port();
            assertThat(member.get(port, "/primary").status()).as(mode + " with a client certificate").isEqualTo(200);
            if (mode == ServerTls.ClientCertificates.REQUIRED) {
                // the handshake itself demands the certificate (TLS 1.3 reports it on the first read)
                assertThatThrownBy(() -> anonymous.get(port, "/primary")).isInstanceOf(IOException.class);
            } else {
                TlsClient.Answer answer = anonymous.get(port, "/primary");
                assertThat(answer.status()).as(mode + " without a client certificate").isEqualTo(200);
                assertThat(answer.body()).contains("\"role\"");
                assertThat(answer.serial()).isEqualTo(certs.serial("server"));
            }
            if (mode != ServerTls.ClientCertificates.NONE) {
                // a certificate from a CA the server does not trust fails the handshake, even when optional
                assertThatThrownBy(() -> rogue.get(port, "/primary")).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void writeEndpointsCheckAllowlistThenClientCertificateThenPassword() throws Exception {
        int port = start(tls(ServerTls.ClientCertificates.OPTIONAL), Allowlist.of(List.of("127.0.0.0/8"), false, List::of))
                .port();
        assertThat(anonymous.post(port, "/reload", GOOD_AUTH)).extracting(TlsClient.Answer::status, TlsClient.Answer::body)
                .containsExactly(403, "client certificate required");
        assertThat(member.post(port, "/reload", basic("admin:wrong")).status()).isEqualTo(401);
        assertThat(member.post(port, "/reload", null)).extracting(TlsClient.Answer::status, TlsClient.Answer::body)
                .containsExactly(401, "no auth header received");
        assertThat(member.post(port, "/reload", GOOD_AUTH)).extracting(TlsClient.Answer::status, TlsClient.Answer::body)
                .containsExactly(202, "reload scheduled");
        assertThat(anonymous.get(port, "/patroni").status()).as("reads are never protected").isEqualTo(200);

        int outside = start(tls(ServerTls.ClientCertificates.OPTIONAL),
                Allowlist.of(List.of("10.0.0.0/8", "192.0.2.7"), false, List::of)).port();
        assertThat(member.post(outside, "/reload", GOOD_AUTH)).extracting(TlsClient.Answer::status, TlsClient.Answer::body)
                .containsExactly(403, "Access is denied");
        assertThat(member.get(outside, "/primary").status()).isEqualTo(200);
    }

    @Test
    void membersOfTheClusterViewAreAdmittedAsTheyComeAndGo() throws Exception {
        List<String> apiUrls = new CopyOnWriteArrayList<>(List.of("https://192.0.2.10:8008/patroni"));
        RestApiServer server = start(tls(ServerTls.ClientCertificates.NONE), Allowlist.of(List.of(), true, () -> apiUrls));
        assertThat(anonymous.post(server.port(), "/reload", GOOD_AUTH).status()).isEqualTo(403);
        apiUrls.add("https://127.0.0.1:8008/patroni");
        assertThat(anonymous.post(server.port(), "/reload", GOOD_AUTH).status()).isEqualTo(202);
        apiUrls.remove(1);
        assertThat(anonymous.post(server.port(), "/reload", GOOD_AUTH).status()).isEqualTo(403);
        server.allowlist(Allowlist.of(List.of("localhost"), false, List::of));
        assertThat(anonymous.post(server.port(), "/reload", GOOD_AUTH).status()).as("reloaded allowlist").isEqualTo(202);
    }

    @Test
    void aReloadServesTheRenewedCertificateOnTheSameListenerAndABrokenOneKeepsTheOld() throws Exception {
        Path live = Files.createDirectories(dir.resolve("live-" + System.nanoTime()));
        Path cert = Files.copy(certs.file("server.pem"), live.resolve("rest.pem"));
        Path key = Files.copy(certs.file("server.key"), live.resolve("rest.key"));
        ServerTls files = new ServerTls(cert, Optional.of(key), Optional.empty(), Optional.empty(), Optional.empty(),
                ServerTls.ClientCertificates.NONE);
        RestApiServer server = start(files, Allowlist.OPEN);
        int port = server.port();
        assertThat(server.reloadCertificates(files)).as("unchanged files").isFalse();

        try (SSLSocket open = anonymous.open(port)) {
            open.startHandshake();
            Files.copy(certs.file("renewed.pem"), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(certs.file("renewed.key"), key, StandardCopyOption.REPLACE_EXISTING);
            assertThat(server.reloadCertificates(files)).isTrue();
            assertThat(anonymous.get(port, "/health").serial()).isEqualTo(certs.serial("renewed"));
            assertThat(server.certificateSerial()).contains(certs.serial("renewed"));
            // the connection opened before the reload was not dropped
            open.getOutputStream().write("GET /liveness HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(new String(open.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
        }

        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> server.reloadCertificates(files))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("restapi.certfile: ");
        Files.copy(certs.file("server.pem"), cert, StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> server.reloadCertificates(files)).as("server.pem with renewed.key")
                .hasMessage("restapi.keyfile: the private key in " + key + " does not belong to the certificate in " + cert);
        ServerTls wrongPassword = new ServerTls(cert, Optional.of(certs.file("server-encrypted.key")),
                Optional.of("not-it"), Optional.empty(), Optional.empty(), ServerTls.ClientCertificates.NONE);
        assertThatThrownBy(() -> server.reloadCertificates(wrongPassword))
                .hasMessageStartingWith("restapi.keyfile_password: cannot decrypt");
        assertThat(anonymous.get(port, "/health")).extracting(TlsClient.Answer::status, TlsClient.Answer::serial)
                .as("still serving the last good certificate").containsExactly(200, certs.serial("renewed"));
    }

    @Test
    void unusableFilesStopTheServerBeforeItListensWithOneLineNamingTheKey() {
        ServerTls mismatch = new ServerTls(certs.file("server.pem"), Optional.of(certs.file("client.key")),
                Optional.empty(), Optional.empty(), Optional.empty(), ServerTls.ClientCertificates.NONE);
        assertThatThrownBy(() -> new RestApiServer("127.0.0.1", 0, source, Optional.empty(), List.of(),
                Optional.of(mismatch), Allowlist.OPEN))
                .hasMessage("restapi.keyfile: the private key in " + certs.file("client.key")
                        + " does not belong to the certificate in " + certs.file("server.pem"));
        ServerTls noCa = new ServerTls(certs.file("server.pem"), Optional.of(certs.file("server.key")),
                Optional.empty(), Optional.of(certs.file("not-a-ca.pem")), Optional.empty(),
                ServerTls.ClientCertificates.REQUIRED);
        assertThatThrownBy(() -> new RestApiServer("127.0.0.1", 0, source, Optional.empty(), List.of(),
                Optional.of(noCa), Allowlist.OPEN))
                .hasMessage("restapi.cafile: no certificate in " + certs.file("not-a-ca.pem"));
        ServerTls noPassword = new ServerTls(certs.file("server.pem"), Optional.of(certs.file("server-encrypted.key")),
                Optional.empty(), Optional.empty(), Optional.empty(), ServerTls.ClientCertificates.NONE);
        assertThatThrownBy(() -> new RestApiServer("127.0.0.1", 0, source, Optional.empty(), List.of(),
                Optional.of(noPassword), Allowlist.OPEN))
                .hasMessageEndingWith("is encrypted; set restapi.keyfile_password");
    }

    @Test
    void ciphersLimitTheTls12SuitesOffered() throws Exception {
        ServerTls gcmOnly = new ServerTls(certs.file("server.pem"), Optional.of(certs.file("server.key")),
                Optional.empty(), Optional.empty(), Optional.of("ECDHE+AESGCM:!aNULL"), ServerTls.ClientCertificates.NONE);
        int port = start(gcmOnly, Allowlist.OPEN).port();
        try (SSLSocket gcm = tls12(port, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")) {
            gcm.startHandshake();
            assertThat(gcm.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        }
        try (SSLSocket cbc = tls12(port, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256")) {
            assertThatThrownBy(cbc::startHandshake).isInstanceOf(SSLException.class);
        }
        assertThat(anonymous.get(port, "/health").status()).as("TLS 1.3 stays on").isEqualTo(200);
    }

    private static SSLSocket tls12(int port, String suite) throws IOException {
        SSLSocket socket = anonymous.open(port);
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        socket.setEnabledCipherSuites(new String[] {suite});
        return socket;
    }
}
