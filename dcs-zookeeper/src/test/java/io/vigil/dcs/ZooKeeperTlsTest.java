package io.vigil.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zookeeper.use_ssl with cacert/cert/key/key_password and set_acls against a real ZooKeeper that requires client
 * certificates and knows clients by their x509 subject.
 */
class ZooKeeperTlsTest {
    private static final String BASE = "/service/tls";
    /** set_acls as an operator would write it: any case, the agent with everything, monitoring read-only. */
    private static final Map<String, List<String>> SET_ACLS = setAcls();

    @TempDir
    static Path dir;
    static TlsZooKeeper zk;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        zk = new TlsZooKeeper(dir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        zk.close();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private static Map<String, List<String>> setAcls() {
        Map<String, List<String>> acls = new LinkedHashMap<>();
        acls.put("CN=vigil-agent", List.of("all"));
        acls.put("CN=monitoring", List.of("Read"));
        return acls;
    }

    private ZooKeeperTls agentTls() {
        return new ZooKeeperTls(Optional.of(zk.file("ca.pem")), Optional.of(zk.file("agent.pem")),
                Optional.of(zk.file("agent-encrypted.key")), Optional.of(TlsZooKeeper.KEY_PASSWORD), true);
    }

    private ZooKeeperDcsSettings settings(String member, ZooKeeperTls tls) {
        // loop_wait 2: a 1 s connect timeout, so that the TLS diagnosis runs soon
        return new ZooKeeperDcsSettings(zk.connectString(), BASE, member, 10, 2, 3)
                .secured(Optional.of(tls), X509Acls.of(SET_ACLS));
    }

    private ZooKeeperDcs agent(ZooKeeperDcsSettings settings) {
        ZooKeeperDcs dcs = ZooKeeperDcs.connect(settings);
        opened.add(dcs);
        return dcs;
    }

    /** A raw client presenting {@code certName}.pem / .key, to look at the znodes as that principal. */
    private CuratorFramework client(String certName) throws Exception {
        ZooKeeperTls tls = new ZooKeeperTls(Optional.of(zk.file("ca.pem")), Optional.of(zk.file(certName + ".pem")),
                Optional.of(zk.file(certName + ".key")), Optional.empty(), true);
        ZKClientConfig config = new ZKClientConfig();
        ZooKeeperTls.Material material = tls.apply(config);
        opened.add(material);
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(zk.connectString())
                .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(100))
                .zkClientConfig(config).build();
        opened.add(0, client);
        client.start();
        assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).as(certName + " connects").isTrue();
        return client;
    }

    private static List<ACL> expectedAcls() {
        return List.of(new ACL(ZooDefs.Perms.ALL, new Id("x509", "CN=vigil-agent")),
                new ACL(ZooDefs.Perms.READ, new Id("x509", "CN=monitoring")));
    }

    @Test
    void anAgentWithItsCertificateConnectsTakesTheLockAndItsZnodesCarryTheSetAcls() throws Exception {
        ZooKeeperDcs dcs = agent(settings("pg1", agentTls()));
        await().atMost(Duration.ofSeconds(20)).until(() -> dcs.health() == DcsHealth.CONNECTED);

        dcs.touchMember(Map.of("conn_url", "postgres://127.0.0.1:5432/postgres", "state", "running"));
        assertThat(dcs.attemptLeader()).isTrue();
        ClusterView view = dcs.read();
        assertThat(view.isLockedBy("pg1")).isTrue();
        assertThat(view.members()).extracting(MemberNode::name).containsExactly("pg1");

        CuratorFramework operator = client("agent"); // the same principal: may read the ACLs (READ|ADMIN)
        for (String path : List.of("/service", BASE, BASE + "/members", BASE + "/members/pg1", BASE + "/leader")) {
            assertThat(operator.getACL().forPath(path)).as(path).containsExactlyElementsOf(expectedAcls());
        }
        assertThat(new String(operator.getData().forPath(BASE + "/leader"))).isEqualTo("pg1");
    }

    @Test
    void aPrincipalOutsideSetAclsCanNeitherReadNorDeleteTheLeaderAndAReaderOnlyRead() throws Exception {
        ZooKeeperDcs dcs = agent(settings("pg2", agentTls()));
        await().atMost(Duration.ofSeconds(20)).until(() -> dcs.health() == DcsHealth.CONNECTED);
        dcs.deleteCluster(); // a lock left by the other test's session would be someone else's
        assertThat(dcs.attemptLeader()).isTrue();

        CuratorFramework intruder = client("intruder");
        assertThatThrownBy(() -> intruder.getData().forPath(BASE + "/leader"))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> intruder.delete().forPath(BASE + "/leader"))
                .isInstanceOf(KeeperException.NoAuthException.class);

        CuratorFramework reader = client("reader");
        assertThat(new String(reader.getData().forPath(BASE + "/leader"))).isEqualTo("pg2");
        assertThatThrownBy(() -> reader.delete().forPath(BASE + "/leader"))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThat(dcs.read().isLockedBy("pg2")).isTrue();
    }

    @Test
    void aClientWithoutACertificateCannotConnectAndIsToldWhy() throws Exception {
        ZooKeeperTls noCertificate = new ZooKeeperTls(Optional.of(zk.file("ca.pem")), Optional.empty(),
                Optional.empty(), Optional.empty(), true);
        ZooKeeperDcs dcs = agent(settings("pg3", noCertificate));
        String problem = notConnectedProblem(dcs);
        assertThat(problem).contains("ZooKeeper server " + zk.connectString() + " refused the client certificate")
                .contains("set zookeeper.cert and zookeeper.key");
        assertThat(dcs.health()).isNotEqualTo(DcsHealth.CONNECTED);
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedByTheServerAndNamed() throws Exception {
        ZooKeeperTls rogue = new ZooKeeperTls(Optional.of(zk.file("ca.pem")), Optional.of(zk.file("rogue.pem")),
                Optional.of(zk.file("rogue.key")), Optional.empty(), true);
        String problem = notConnectedProblem(agent(settings("pg4", rogue)));
        assertThat(problem).contains("ZooKeeper server " + zk.connectString() + " refused the client certificate")
                .contains("zookeeper.cert (" + zk.file("rogue.pem") + ")");
    }

    @Test
    void aWrongCaIsExplainedNamingTheServerAndZookeeperCacert() throws Exception {
        ZooKeeperTls wrongCa = new ZooKeeperTls(Optional.of(zk.file("rogue-ca.pem")), Optional.of(zk.file("agent.pem")),
                Optional.of(zk.file("agent.key")), Optional.empty(), true);
        String problem = notConnectedProblem(agent(settings("pg5", wrongCa)));
        assertThat(problem).contains("the certificate of ZooKeeper server " + zk.connectString())
                .contains("zookeeper.cacert (" + zk.file("rogue-ca.pem") + ")");
    }

    @Test
    void aWrongKeyPasswordFailsAtConnectInOneLineNamingTheKey() {
        ZooKeeperTls wrongPassword = new ZooKeeperTls(Optional.of(zk.file("ca.pem")), Optional.of(zk.file("agent.pem")),
                Optional.of(zk.file("agent-encrypted.key")), Optional.of("not-the-password"), true);
        assertThatThrownBy(() -> agent(settings("pg6", wrongPassword)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("zookeeper.key_password: cannot decrypt the private key in "
                        + zk.file("agent-encrypted.key"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        ZooKeeperTls missingPassword = new ZooKeeperTls(Optional.of(zk.file("ca.pem")), Optional.of(zk.file("agent.pem")),
                Optional.of(zk.file("agent-encrypted.key")), Optional.empty(), true);
        assertThatThrownBy(() -> agent(settings("pg6", missingPassword)))
                .hasMessage("zookeeper.key: the private key in " + zk.file("agent-encrypted.key")
                        + " is encrypted; set zookeeper.key_password");
    }

    @Test
    void anExpiredClientCertificateIsRefusedAtStartInOneLineNamingTheKey() {
        ZooKeeperTls expired = new ZooKeeperTls(Optional.of(zk.file("ca.pem")), Optional.of(zk.file("expired.pem")),
                Optional.of(zk.file("expired.key")), Optional.empty(), true);
        assertThatThrownBy(() -> agent(settings("pg7", expired)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("zookeeper.cert: the certificate in " + zk.file("expired.pem")
                        + " (CN=vigil-agent) expired on ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStartInOneLineNamingTheKey() {
        ZooKeeperTls mismatched = new ZooKeeperTls(Optional.of(zk.file("ca.pem")), Optional.of(zk.file("agent.pem")),
                Optional.of(zk.file("reader.key")), Optional.empty(), true);
        assertThatThrownBy(() -> agent(settings("pg8", mismatched)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("zookeeper.key: the private key in " + zk.file("reader.key")
                        + " does not belong to the certificate in " + zk.file("agent.pem"));
    }

    @Test
    void anUnknownPermissionIsRefused() {
        assertThatThrownBy(() -> X509Acls.of(Map.of("CN=x", List.of("READ", "rwx"))))
                .hasMessage("zookeeper.set_acls.CN=x: unknown permission \"rwx\" (expected CREATE, READ, WRITE, DELETE, ADMIN, ALL)");
        assertThat(X509Acls.of(Map.of("CN=x", List.of("read", "Write", "CREATE"))))
                .containsExactly(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.WRITE | ZooDefs.Perms.CREATE, new Id("x509", "CN=x")));
    }

    /** The "not connected" error of a DCS operation once the TLS diagnosis has found the cause. */
    private static String notConnectedProblem(ZooKeeperDcs dcs) {
        AtomicReference<String> message = new AtomicReference<>("");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                dcs.touchMember(Map.of("state", "running"));
                message.set("connected");
                return true;
            } catch (DcsException e) {
                message.set(e.getMessage());
                return e.getMessage().contains("not connected to ZooKeeper (");
            }
        });
        assertThat(message.get()).doesNotContain("\n").startsWith("touch member failed: not connected to ZooKeeper (");
        return message.get();
    }
}
