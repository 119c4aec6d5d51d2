package io.vigil.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.api.AgentControl.FailsafeAnswer;
import io.vigil.dcs.ClusterView;
import io.vigil.restapi.RestResponse;
import io.vigil.restapi.WriteEndpoint;
import io.vigil.restapi.WriteRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Coverage-guided fuzz target for the request bodies of every write endpoint (switchover, failover, restart with
 * its schedule and filters, reinitialize, config PATCH and PUT, failsafe, reload, the DELETEs), through the real
 * handlers against an in-memory agent, as the REST server calls them after authentication.
 *
 * <p>Half of the inputs are raw bytes, for the JSON reader; the other half are JSON objects built from the keys the
 * endpoints know with fuzzed values of every JSON type, so the validation behind the reader is reached too.
 *
 * <p>Property: a handler always answers, within the test's bounded waits; a body that is not a JSON object is
 * refused with 400 or 411 before anything is done; an exception escaping a handler (which the server would log
 * and answer with 503) is a finding.
 */
class WriteApiFuzzTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final ObjectMapper JSON = RequestBody.JSON;
  private static final List<String> KEYS = List.of("leader", "candidate", "member", "scheduled_at", "schedule",
      "role", "postgres_version", "timeout", "restart_pending", "force", "name", "conn_url", "api_url", "slots",
      "ttl", "loop_wait", "retry_timeout", "pause", "synchronous_mode", "synchronous_node_count",
      "maximum_lag_on_failover", "postgresql", "parameters", "use_pg_rewind", "master_start_timeout");
  private static final List<String> NAMES = List.of("n1", "n2", "n3", "ghost", "");
  private static final List<String> TIMES = List.of("2026-11-23T14:00+01:00", "2026-11-23 13:00:00Z",
      "2026-11-23T12:00:00", "2025-01-01T00:00:00+00:00", "2026-11-24", "2026-11-23T14:00:00.123456789+0100");
  /** Endpoints that read a JSON body (the others ignore it). */
  private static final Set<String> READS_BODY = Set.of("POST /switchover", "POST /failover", "PATCH /config",
      "PUT /config", "POST /restart", "POST /reinitialize", "POST /failsafe");

  @FuzzTest
  void writeRequest(FuzzedDataProvider data) throws Exception {
    FakeControl control = new FakeControl(cluster(data.consumeBoolean(), data.consumeBoolean()));
    control.failsafeMode = data.consumeBoolean();
    control.failsafeAnswer = data.pickValue(List.of(FailsafeAnswer.ACCEPTED, FailsafeAnswer.LEADER));
    // The simulated HA loop carries out a switchover at once, so an immediate one is answered without waiting.
    control.haLoop = v -> v.failover().isEmpty() ? v
        : Views.withFailover(Views.withLeader(v, v.failover().get().member().orElse("n2")), Optional.empty());
    List<WriteEndpoint> endpoints = WriteApi.endpoints(control, new WriteApiTest.TickingClock(NOW,
        Duration.ofSeconds(1)), members -> members.stream().map(m -> peerDocument(m.name())).toList(),
        Duration.ZERO, Duration.ofMillis(50));
    WriteEndpoint endpoint = data.pickValue(endpoints);
    boolean contentLength = data.consumeInt(0, 7) != 0;
    byte[] body = data.consumeBoolean() ? structuredBody(data) : data.consumeRemainingAsBytes();
    Map<String, String> headers = contentLength ? Map.of("Content-Length", Integer.toString(body.length)) : Map.of();

    RestResponse answer = endpoint.handler().handle(new WriteRequest(endpoint.method(), endpoint.path(), Map.of(),
        headers, body, "192.0.2.1"));

    String route = endpoint.method() + " " + endpoint.path();
    assertThat(answer).as(route).isNotNull();
    assertThat(answer.body()).as(route).isNotEmpty();
    boolean failsafeOff = route.equals("POST /failsafe") && !control.failsafeMode;
    if (READS_BODY.contains(route) && !failsafeOff && contentLength && body.length > 0 && !isJsonObject(body)) {
      assertThat(answer.status()).as("%s with %s", route, new String(body, StandardCharsets.UTF_8)).isEqualTo(400);
      assertThat(control.failoverWrites).isEmpty();
      assertThat(control.configWrites).isEmpty();
    }
  }

  /** Leader n1 with replicas n2 and n3, possibly paused and in synchronous mode. */
  private static ClusterView cluster(boolean paused, boolean synchronous) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("loop_wait", 2L);
    config.put("pause", paused);
    config.put("synchronous_mode", synchronous);
    return Views.with("n1", config, Optional.empty(), "n1", "n2", "n3");
  }

  private static Optional<Map<String, Object>> peerDocument(String name) {
    return name.equals("n3") ? Optional.empty() : Optional.of(Views.replicaDoc());
  }

  /** A JSON object of known keys, each with a value of a fuzzed JSON type. */
  private static byte[] structuredBody(FuzzedDataProvider data) throws JsonProcessingException {
    Map<String, Object> body = new LinkedHashMap<>();
    int keys = data.consumeInt(0, 6);
    for (int i = 0; i < keys; i++) {
      body.put(data.pickValue(KEYS), value(data, 2));
    }
    return JSON.writeValueAsBytes(body);
  }

  private static Object value(FuzzedDataProvider data, int depth) {
    return switch (data.consumeInt(0, depth > 0 ? 9 : 7)) {
      case 0 -> null;
      case 1 -> data.consumeBoolean();
      case 2 -> data.consumeLong();
      case 3 -> data.consumeDouble();
      case 4 -> data.pickValue(NAMES);
      case 5 -> data.pickValue(TIMES);
      case 6, 7 -> data.consumeString(40);
      case 8 -> Arrays.asList(value(data, depth - 1), value(data, depth - 1));
      default -> {
        Map<String, Object> nested = new HashMap<>();
        nested.put(data.pickValue(KEYS), value(data, depth - 1));
        yield nested;
      }
    };
  }

  private static boolean isJsonObject(byte[] body) {
    try {
      return JSON.readValue(new String(body, StandardCharsets.UTF_8), Object.class) instanceof Map<?, ?>;
    } catch (Exception e) {
      return false;
    }
  }
}
