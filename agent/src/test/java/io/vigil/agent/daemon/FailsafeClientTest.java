package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.agent.api.ClientTls;
import io.vigil.agent.api.AgentControl.FailsafeAnswer;
import io.vigil.agent.ha.FailsafeRound;
import io.vigil.restapi.BasicCredentials;
import io.vigil.restapi.RestApiServer;
import io.vigil.restapi.RestResponse;
import io.vigil.restapi.WriteEndpoint;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The failsafe round against real REST servers, through the same access check as every write endpoint. */
class FailsafeClientTest {

  private static final Map<String, Object> BODY = Map.of("name", "n1", "conn_url", "postgres://h:5432/postgres",
      "api_url", "http://h:8008/patroni", "slots", Map.of());

  private static RestApiServer server(Optional<BasicCredentials> auth, int status, String text, List<String> seen) {
    RestApiServer s = new RestApiServer("127.0.0.1", 0, new PublishedStatus("demo", Map.of(), Clock.SYSTEM), auth,
        List.of(new WriteEndpoint("POST", "/failsafe", r -> {
          seen.add(r.bodyAsString());
          return RestResponse.text(status, text);
        })));
    s.start();
    return s;
  }

  @Test
  void nodeControlAnswersAsPatroniDoes() {
    assertThat(NodeControl.failsafeAnswer(false, false)).isEqualTo(FailsafeAnswer.OFF);
    assertThat(NodeControl.failsafeAnswer(false, true)).isEqualTo(FailsafeAnswer.OFF);
    assertThat(NodeControl.failsafeAnswer(true, true)).isEqualTo(new FailsafeAnswer(500, "Running as a leader"));
    assertThat(NodeControl.failsafeAnswer(true, false)).isEqualTo(new FailsafeAnswer(200, "Accepted"));
  }

  @Test
  void acceptedOnlyWhenEveryOtherMemberAnswersAcceptedWithTheConfiguredCredentials() throws Exception {
    Optional<BasicCredentials> auth = Optional.of(new BasicCredentials("admin", "s3cret"));
    List<String> seen = new ArrayList<>();
    RestApiServer ok = server(auth, 200, "Accepted", seen);
    RestApiServer leader = server(auth, 500, "Running as a leader", seen);
    int dead;
    try (ServerSocket sock = new ServerSocket(0)) {
      dead = sock.getLocalPort();
    }
    try {
      String okUrl = "http://127.0.0.1:" + ok.port() + "/patroni";
      FailsafeClient withAuth = new FailsafeClient(Optional.of(Map.entry("admin", "s3cret")), ClientTls::insecureAnonymous);
      FailsafeRound all = withAuth.round(Optional.of(Map.of("n1", "x", "n2", okUrl)), "n1", BODY, 5);
      assertThat(all).isEqualTo(FailsafeRound.accepted(5));
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0)).contains("\"name\":\"n1\"").contains("\"api_url\":\"http://h:8008/patroni\"");

      FailsafeRound noAuth = new FailsafeClient(Optional.empty(), ClientTls::insecureAnonymous)
          .round(Optional.of(Map.of("n1", "x", "n2", okUrl)), "n1", BODY, 5);
      assertThat(noAuth.accepted()).isFalse();
      assertThat(noAuth.whyNot().get()).contains("n2 answered 401");

      FailsafeRound refused = withAuth.round(Optional.of(Map.of("n1", "x", "n2", okUrl, "n3",
          "http://127.0.0.1:" + leader.port() + "/patroni")), "n1", BODY, 5);
      assertThat(refused.whyNot().get()).isEqualTo("n3 answered 500 Running as a leader");

      FailsafeRound unreachable = withAuth.round(Optional.of(Map.of("n1", "x", "n2", okUrl, "n3",
          "http://127.0.0.1:" + dead + "/patroni")), "n1", BODY, 5);
      assertThat(unreachable.accepted()).isFalse();
      assertThat(unreachable.whyNot().get()).startsWith("n3 did not answer");
    } finally {
      ok.close();
      leader.close();
    }
  }

  @Test
  void aOneMemberTopologyIsAcceptedAndAMissingOrForeignOneIsNot() {
    FailsafeClient c = new FailsafeClient(Optional.empty(), ClientTls::insecureAnonymous);
    assertThat(c.round(Optional.of(Map.of("n1", "http://x/patroni")), "n1", BODY, 1).accepted()).isTrue();
    assertThat(c.round(Optional.empty(), "n1", BODY, 1).whyNot())
        .contains("no /failsafe was read before ZooKeeper became unreachable");
    assertThat(c.round(Optional.of(Map.of("n2", "http://x/patroni")), "n1", BODY, 1).whyNot())
        .contains("/failsafe does not name me");
  }
}
