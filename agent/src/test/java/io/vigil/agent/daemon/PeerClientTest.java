package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.vigil.agent.api.ClientTls;
import io.vigil.agent.ha.PeerStatus;
import io.vigil.dcs.MemberNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerClientTest {

  @Test
  void readsWhatTheRaceNeedsFromPatroniDocuments() {
    assertThat(PeerClient.status("n1", Map.of("xlog", Map.of("location", 5000), "timeline", 3)))
        .isEqualTo(new PeerStatus("n1", true, true, 5000, false, 3));
    assertThat(PeerClient.status("n2", Map.of("xlog", Map.of("received_location", 700, "replayed_location", 900),
        "tags", Map.of("nofailover", true))))
        .as("nofailover: priority 0, as Patroni reports it")
        .isEqualTo(new PeerStatus("n2", true, false, 900, true, 0, 0));
    assertThat(PeerClient.status("n3", Map.of("state", "stopped"))).as("no xlog: not a candidate")
        .isEqualTo(PeerStatus.unreachable("n3"));
  }

  @Test
  void readsFailoverPriorityFromTheDocumentsTags() {
    Map<String, Object> xlog = Map.of("received_location", 700, "replayed_location", 900);
    assertThat(PeerClient.status("n2", Map.of("xlog", xlog, "tags", Map.of("failover_priority", 3))))
        .isEqualTo(new PeerStatus("n2", true, false, 900, false, 0, 3));
    assertThat(PeerClient.status("n2", Map.of("xlog", xlog, "tags", Map.of("failover_priority", 0))))
        .as("0 means never promote, as nofailover").isEqualTo(new PeerStatus("n2", true, false, 900, true, 0, 0));
    assertThat(PeerClient.status("n2", Map.of("xlog", xlog)).failoverPriority()).as("no tags: Patroni's default")
        .isEqualTo(1);
  }

  @Test
  void pollsRealEndpointsIncludingA503AndADeadPort() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/up/patroni", ex -> reply(ex, 200, "{\"xlog\":{\"location\":42},\"timeline\":2}"));
    server.createContext("/down/patroni", ex -> reply(ex, 503, "{\"state\":\"stopped\",\"xlog\":{\"received_location\":40}}"));
    server.createContext("/garbage/patroni", ex -> reply(ex, 200, "<html>"));
    server.start();
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      List<PeerStatus> got = new PeerClient(ClientTls::insecureAnonymous).poll(List.of(member("a", base + "/up/patroni"),
          member("b", base + "/down/patroni"), member("c", base + "/garbage/patroni"),
          member("d", "http://127.0.0.1:" + dead + "/patroni"), new MemberNode("e", Map.of(), 5)));
      assertThat(got).containsExactly(new PeerStatus("a", true, true, 42, false, 2),
          new PeerStatus("b", true, false, 40, false, 0), PeerStatus.unreachable("c"), PeerStatus.unreachable("d"),
          PeerStatus.unreachable("e"));
    } finally {
      server.stop(0);
    }
  }

  private static MemberNode member(String name, String apiUrl) {
    return new MemberNode(name, Map.of("api_url", apiUrl), name.hashCode());
  }

  private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
