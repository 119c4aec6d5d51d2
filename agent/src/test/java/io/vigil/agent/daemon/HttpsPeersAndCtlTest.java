package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.agent.api.ClientTls;
import io.vigil.agent.api.HttpPeerDocuments;
import io.vigil.agent.cli.VigilCtl;
import io.vigil.agent.ha.FailsafeRound;
import io.vigil.config.CtlConfig;
import io.vigil.dcs.MemberNode;
import io.vigil.restapi.Allowlist;
import io.vigil.restapi.BasicCredentials;
import io.vigil.restapi.RestApiServer;
import io.vigil.restapi.RestResponse;
import io.vigil.restapi.ServerTls;
import io.vigil.restapi.WriteEndpoint;
import io.vigil.tls.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's REST API over HTTPS with {@code verify_client: required}, an allowlist and Basic auth, called the
 * ways Vigil calls it: by peers (leader race documents, failsafe) and by vigilctl with the ctl keys.
 */
class HttpsPeersAndCtlTest {

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static RestApiServer agent;
    static String apiUrl;
    static TestingServer zk;
    static final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        certs = new TestCertificates(dir).ca("ca").ca("rogue-ca").server("agent", "ca")
                .client("ctl", "vigilctl", "ca").encryptedPkcs8("agent", "agent-encrypted.key");
        ServerTls tls = new ServerTls(certs.file("agent.pem"), Optional.of(certs.file("agent-encrypted.key")),
                Optional.of(TestCertificates.KEY_PASSWORD), Optional.of(certs.file("ca.pem")), Optional.empty(),
                ServerTls.ClientCertificates.REQUIRED);
        agent = new RestApiServer("127.0.0.1", 0, new PublishedStatus("demo", Map.of(), Clock.SYSTEM),
                Optional.of(new BasicCredentials("admin", "secret")),
                List.of(new WriteEndpoint("POST", "/reload", r -> {
                    received.add("reload");
                    return RestResponse.text(202, "reload scheduled");
                }), new WriteEndpoint("POST", "/failsafe", r -> {
                    received.add("failsafe " + r.bodyAsString());
                    return RestResponse.text(200, "Accepted");
                })), Optional.of(tls), Allowlist.of(List.of("127.0.0.1"), false, List::of));
        agent.start();
        apiUrl = "https://127.0.0.1:" + agent.port() + "/patroni";
        zk = new TestingServer(true);
        try (CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
            curator.start();
            curator.create().creatingParentsIfNeeded().forPath("/service/demo/config",
                    "{\"ttl\":30,\"loop_wait\":2}".getBytes(StandardCharsets.UTF_8));
            curator.create().creatingParentsIfNeeded().forPath("/service/demo/members/n1", ("{\"conn_url\":\"postgres://127.0.0.1:5432/postgres\","
                    + "\"api_url\":\"" + apiUrl + "\",\"state\":\"running\",\"role\":\"master\",\"version\":\"3.0.2\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        agent.close();
        zk.close();
    }

    /** An agent configured with its own REST certificate and key, as Patroni's peer requests use them. */
    private static ClientTls agentPeers() {
        return ClientTls.forPeers(CtlConfig.forClient(Map.of("restapi", Map.of(
                "certfile", certs.file("agent.pem").toString(), "keyfile", certs.file("agent-encrypted.key").toString(),
                "keyfile_password", TestCertificates.KEY_PASSWORD)), Map.of()));
    }

    private static MemberNode member(String url) {
        return new MemberNode("n1", Map.of("api_url", url), 1L);
    }

    @Test
    void peersReadTheStatusDocumentOverHttpsPresentingTheAgentCertificate() {
        HttpPeerDocuments withCertificate = new HttpPeerDocuments(Duration.ofSeconds(2), HttpsPeersAndCtlTest::agentPeers);
        assertThat(withCertificate.fetch(List.of(member(apiUrl))).get(0)).hasValueSatisfying(
                doc -> assertThat(doc).containsKey("patroni"));
        HttpPeerDocuments anonymous = new HttpPeerDocuments(Duration.ofSeconds(2), ClientTls::insecureAnonymous);
        assertThat(anonymous.fetch(List.of(member(apiUrl))).get(0)).as("verify_client: required").isEmpty();
    }

    @Test
    void theFailsafeRoundPostsOverHttpsWithBasicAuth() {
        Map<String, String> topology = Map.of("me", "https://127.0.0.1:1/patroni", "n1", apiUrl);
        FailsafeRound accepted = new FailsafeClient(Optional.of(Map.entry("admin", "secret")), HttpsPeersAndCtlTest::agentPeers)
                .round(Optional.of(topology), "me", Map.of("name", "me"), 0);
        assertThat(accepted.accepted()).as(accepted.whyNot().orElse("")).isTrue();
        assertThat(received).contains("failsafe {\"name\":\"me\"}");
        FailsafeRound wrongPassword = new FailsafeClient(Optional.of(Map.entry("admin", "guess")), HttpsPeersAndCtlTest::agentPeers)
                .round(Optional.of(topology), "me", Map.of("name", "me"), 0);
        assertThat(wrongPassword.whyNot()).contains("n1 answered 401");
    }

    @Test
    void vigilctlUsesTheCtlCertificateAndVerifiesTheAgentAgainstCtlCacert() throws Exception {
        String zookeeper = "scope: demo\nzookeeper:\n  hosts: ['" + zk.getConnectString() + "']\n"
                + "restapi:\n  listen: 127.0.0.1:8008\n  authentication:\n    username: admin\n    password: secret\n";
        String ctlKeys = "ctl:\n  certfile: " + certs.file("ctl.pem") + "\n  keyfile: " + certs.file("ctl.key") + "\n";

        Run ok = ctl(zookeeper + ctlKeys + "  cacert: " + certs.file("ca.pem") + "\n", "reload", "demo", "n1", "--force");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("Reload request received for member n1");
        assertThat(received).contains("reload");

        Run noCertificate = ctl(zookeeper + "ctl:\n  cacert: " + certs.file("ca.pem") + "\n", "reload", "demo", "n1",
                "--force");
        assertThat(noCertificate.code()).isEqualTo(1);
        assertThat(noCertificate.err()).startsWith("Failed: reload for member n1, ");

        Run untrusted = ctl(zookeeper + ctlKeys + "  cacert: " + certs.file("rogue-ca.pem") + "\n", "reload", "demo",
                "n1", "--force");
        assertThat(untrusted.code()).as("the agent's certificate is not signed by ctl.cacert").isEqualTo(1);
        Run insecure = ctl(zookeeper + ctlKeys + "  cacert: " + certs.file("rogue-ca.pem") + "\n", "-k", "reload",
                "demo", "n1", "--force");
        assertThat(insecure.code()).as(insecure.err()).isZero();

        Run badKey = ctl(zookeeper + "ctl:\n  certfile: " + certs.file("ctl.pem") + "\n  keyfile: "
                + certs.file("agent.key") + "\n", "reload", "demo", "n1", "--force");
        assertThat(badKey.code()).isEqualTo(2);
        assertThat(badKey.err()).isEqualTo("Error: ctl.keyfile: the private key in " + certs.file("agent.key")
                + " does not belong to the certificate in " + certs.file("ctl.pem") + "\n");
    }

    record Run(int code, String out, String err) {
    }

    private static Run ctl(String yaml, String... args) throws Exception {
        Path config = Files.writeString(Files.createTempFile(dir, "patroni", ".yml"), yaml);
        String[] all = new String[args.length + 2];
        all[0] = "-c";
        all[1] = config.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = VigilCtl.run(all, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
