package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.agent.cli.CtlRun;
import io.vigil.tls.CertifiedKey;
import io.vigil.tls.KeyNames;
import io.vigil.tls.PemFiles;
import io.vigil.tls.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 14 done-when: three agents whose REST API serves HTTPS with {@code verify_client: required}, an allowlist
 * (127.0.0.1 and the members) and Basic auth. HAProxy-style checks answer over TLS with a client certificate; a
 * write call from outside the allowlist gets 403, without a client certificate the handshake is refused, a wrong
 * password gets 401, and everything right does the switchover; {@code vigilctl switchover} works from the same file;
 * the agents' calls to each other (leader race) work, so a failover still happens. No password shows in the REST
 * documents, {@code vigilctl show-config} or any log, and the pgpass file is 0600 and owned by PostgreSQL's user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestSecurityClusterTest {

  private static final String PASSWORD = "e2e-rest-Secret";
  private ProcessCluster cluster;
  private TestCertificates certs;

  @BeforeAll
  void start() throws Exception {
    ClusterFixture files = new ClusterFixture(3);
    certs = new TestCertificates(Files.createDirectories(files.base.resolve("tls"))).ca("ca")
        .server("agent", "ca")
        .client("haproxy", "haproxy", "ca")
        .client("operator", "dba", "ca")
        .encryptedPkcs8("agent", "agent-encrypted.key");
    for (Path yml : files.configs) {
      String restapi = """
          restapi:
            certfile: %s
            keyfile: %s
            keyfile_password: %s
            cafile: %s
            verify_client: required
            allowlist:
            - 127.0.0.1
            allowlist_include_members: true
            authentication:
              username: admin
              password: %s
          """.formatted(certs.file("agent.pem"), certs.file("agent-encrypted.key"), TestCertificates.KEY_PASSWORD,
          certs.file("ca.pem"), PASSWORD);
      String ctl = """
          ctl:
            certfile: %s
            keyfile: %s
            cacert: %s
          """.formatted(certs.file("operator.pem"), certs.file("operator.key"), certs.file("ca.pem"));
      Files.writeString(yml, Files.readString(yml).replace("restapi:\n", restapi) + ctl);
    }
    cluster = new ProcessCluster(files, context(Optional.of("haproxy")));
    cluster.startAll();
    cluster.awaitHealthy(Duration.ofSeconds(120));
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
  }

  /** Trusts the test CA; presents {@code client}'s certificate when given. */
  private SSLContext context(Optional<String> client) throws Exception {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(PemFiles.trustStore(certs.file("ca.pem"), "test.ca"));
    KeyManager[] keys = null;
    if (client.isPresent()) {
      CertifiedKey key = CertifiedKey.load(certs.file(client.get() + ".pem"),
          Optional.of(certs.file(client.get() + ".key")), Optional.empty(), KeyNames.restStyle("test"));
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(key.keyStore("client", "pw".toCharArray()), "pw".toCharArray());
      keys = factory.getKeyManagers();
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, trust.getTrustManagers(), null);
    return context;
  }

  private record Answer(int status, String body) {}

  /** One HTTPS request on its own connection, from {@code from} (any 127.x address is this machine). */
  private Answer post(String node, String from, Optional<String> client, String path, String password, String body)
      throws Exception {
    int port = cluster.files.restPorts.get(cluster.index(node));
    Socket plain = new Socket();
    plain.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    try (SSLSocket socket = (SSLSocket) context(client).getSocketFactory().createSocket(plain, "127.0.0.1", port,
        true)) {
      socket.setSoTimeout(15_000);
      String auth = Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
      byte[] content = body.getBytes(StandardCharsets.UTF_8);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Basic " + auth
          + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write(content);
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      return new Answer(status, response.substring(response.indexOf("\r\n\r\n") + 4));
    }
  }

  private String get(String node, String path) throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(context(Optional.of("haproxy"))).build();
    return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
        + cluster.files.restPorts.get(cluster.index(node)) + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private CtlRun ctl(String... args) {
    return CtlRun.of(cluster.files.configs.get(0), new ByteArrayInputStream(new byte[0]), args);
  }

  private String replicaOf(String leader) {
    return cluster.names().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
  }

  @Test
  void writeCallsPassOnlyTheWholeCheckAndSwitchoverAndFailoverWorkOverTls() throws Exception {
    String leader = cluster.leader();
    String candidate = replicaOf(leader);
    assertThat(cluster.rest(leader, "/primary")).as("HAProxy's check over TLS, with its certificate").isEqualTo(200);
    assertThat(cluster.rest(candidate, "/replica")).isEqualTo(200);
    ProcessCluster noCertificate = new ProcessCluster(cluster.files, context(Optional.empty()));
    assertThat(noCertificate.rest(leader, "/primary")).as("verify_client required: no handshake without a "
        + "certificate").isEqualTo(-1);
    ProcessCluster plainHttp = new ProcessCluster(cluster.files);
    assertThat(plainHttp.rest(leader, "/primary")).as("plain HTTP on the HTTPS port").isNotEqualTo(200);

    String switchover = "{\"leader\":\"" + leader + "\",\"candidate\":\"" + candidate + "\"}";
    Answer outside = post(leader, "127.0.0.2", Optional.of("operator"), "/switchover", PASSWORD, switchover);
    assertThat(outside).isEqualTo(new Answer(403, "Access is denied"));
    assertThatThrownBy(() -> post(leader, "127.0.0.1", Optional.empty(), "/switchover", PASSWORD, switchover))
        .as("without a client certificate").isInstanceOfAny(SSLException.class, IOException.class);
    Answer wrongPassword = post(leader, "127.0.0.1", Optional.of("haproxy"), "/switchover", "wrong", switchover);
    assertThat(wrongPassword.status()).as("wrong password").isEqualTo(401);
    assertThat(cluster.leader()).as("nothing changed").isEqualTo(leader);

    Answer right = post(leader, "127.0.0.1", Optional.of("operator"), "/switchover", PASSWORD, switchover);
    assertThat(right.status()).as(right.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> cluster.writablePrimary().equals(Optional.of(candidate)));
    cluster.awaitHealthy(Duration.ofSeconds(60));

    CtlRun back = ctl("switchover", "--leader", candidate, "--candidate", leader, "--force");
    assertThat(back.code()).as(back.out() + back.err()).isZero();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> cluster.writablePrimary().equals(Optional.of(leader)));
    cluster.awaitHealthy(Duration.ofSeconds(60));

    List<String> secrets = List.of(PASSWORD, TestCertificates.KEY_PASSWORD, ClusterFixture.SU_PASSWORD, "e2e-repl");
    for (String path : List.of("/patroni", "/config", "/cluster", "/history")) {
      String body = get(leader, path);
      assertThat(secrets).as("GET %s", path).noneMatch(body::contains);
    }
    CtlRun config = ctl("show-config");
    assertThat(config.code()).isZero();
    assertThat(secrets).as("vigilctl show-config").noneMatch(s -> config.out().contains(s) || config.err().contains(s));
    for (Path yml : cluster.files.configs) {
      Path pgpass = yml.resolveSibling("pgpass");
      assertThat(Files.getPosixFilePermissions(pgpass)).as("pgpass holds passwords")
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      assertThat(Files.getOwner(pgpass)).isEqualTo(Files.getOwner(yml.resolveSibling("data")));
    }

    // a failover needs the replicas' leader race, which asks the other members over HTTPS with a client certificate
    int timeline = cluster.timeline(leader);
    cluster.killAgentAndFence(leader);
    cluster.killPostmaster(leader);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> cluster.writablePrimary().filter(n -> !n.equals(leader)).isPresent());
    String promoted = cluster.writablePrimary().orElseThrow();
    assertThat(cluster.timeline(promoted)).isGreaterThan(timeline);
    for (String n : cluster.names()) {
      assertThat(secrets).as("%s's agent log", n).noneMatch(cluster.log(n)::contains);
    }
  }
}
