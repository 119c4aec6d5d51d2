package io.vigil.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.agent.api.AgentControl.OperationResult;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.ConfigNode;
import io.vigil.dcs.FailoverNode;
import io.vigil.restapi.RestResponse;
import io.vigil.restapi.WriteEndpoint;
import io.vigil.restapi.WriteRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The handlers end to end against an in-memory agent, as the REST server calls them. */
class WriteApiTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private final Map<String, Optional<Map<String, Object>>> peerDocs = new HashMap<>();
  private FakeControl control = new FakeControl(Views.cluster("n1", "n1", "n2", "n3"));
  private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  WriteApiTest() {
    peerDocs.put("n1", Optional.of(Map.of("role", "master", "xlog", Map.of("location", 100L),
        "server_version", 150004L)));
    peerDocs.put("n2", Optional.of(Views.replicaDoc()));
    peerDocs.put("n3", Optional.of(Views.replicaDoc()));
  }

  private RestResponse call(String method, String path, String body) throws Exception {
    List<WriteEndpoint> endpoints = WriteApi.endpoints(control, clock,
        members -> members.stream().map(m -> peerDocs.getOrDefault(m.name(), Optional.empty())).toList(),
        Duration.ofMillis(1), Duration.ofMillis(500));
    WriteEndpoint e = endpoints.stream().filter(x -> x.method().equals(method) && x.path().equals(path)).findFirst()
        .orElseThrow();
    Map<String, String> headers = body == null ? Map.of()
        : Map.of("Content-Length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
    return e.handler().handle(new WriteRequest(method, path, Map.of(), headers,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8), "127.0.0.1"));
  }

  private static String text(RestResponse r) {
    return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void immediateSwitchoverWaitsForTheNewLeader() throws Exception {
    control.haLoop = v -> v.failover().isPresent() ? Views.withFailover(Views.withLeader(v, "n2"), Optional.empty()) : v;
    assertThat(text(call("POST", "/switchover", "{\"leader\":\"n1\",\"candidate\":\"n2\"}")))
        .isEqualTo("200 Successfully switched over to \"n2\"");
    assertThat(control.failoverWrites).containsExactly(Map.of("leader", "n1", "member", "n2"));
    assertThat(control.wakeUps).isEqualTo(1);
  }

  @Test
  void failoverWithoutLeaderToANamedMember() throws Exception {
    control.haLoop = v -> Views.withLeader(v, "n3");
    assertThat(text(call("POST", "/failover", "{\"member\":\"n3\"}"))).isEqualTo("200 Successfully failed over to \"n3\"");
    assertThat(control.failoverWrites).containsExactly(Map.of("member", "n3"));
  }

  @Test
  void clearedRequestWithoutNewLeaderFails() throws Exception {
    control.haLoop = v -> Views.withFailover(v, Optional.empty());
    assertThat(text(call("POST", "/switchover", "{\"leader\":\"n1\"}"))).isEqualTo("503 Switchover failed");
  }

  @Test
  void noOutcomeWithinTheWaitIsUnknown() throws Exception {
    clock = new TickingClock(NOW, Duration.ofSeconds(1));
    assertThat(text(call("POST", "/switchover", "{\"leader\":\"n1\",\"candidate\":\"n2\"}")))
        .isEqualTo("503 Switchover status unknown");
  }

  @Test
  void scheduledSwitchoverIsWrittenAndAnswered202() throws Exception {
    assertThat(text(call("POST", "/switchover",
        "{\"leader\":\"n1\",\"candidate\":\"n2\",\"scheduled_at\":\"2026-11-23T14:00+01:00\"}")))
        .isEqualTo("202 Switchover scheduled");
    assertThat(control.failoverWrites).containsExactly(
        Map.of("leader", "n1", "member", "n2", "scheduled_at", "2026-11-23T14:00:00+01:00"));

    assertThat(text(call("DELETE", "/switchover", null))).isEqualTo("200 scheduled switchover deleted");
    assertThat(control.view.failover()).isEmpty();
    assertThat(text(call("DELETE", "/switchover", null))).isEqualTo("404 no switchover is scheduled");
  }

  @Test
  void deleteLosingTheCompareAndSetIs409() throws Exception {
    control.view = Views.withFailover(control.view, Optional.of(new FailoverNode(Optional.of("n1"), Optional.empty(),
        Optional.of("2026-11-23T14:00:00+00:00"), 4)));
    control.concurrentWriter = v -> Views.withFailover(v, Optional.of(new FailoverNode(Optional.of("n1"),
        Optional.of("n3"), Optional.of("2026-11-23T15:00:00+00:00"), 5)));
    assertThat(call("DELETE", "/switchover", null).status()).isEqualTo(409);
    assertThat(control.view.failover().get().member()).hasValue("n3");
  }

  @Test
  void immediateSwitchoverToAnUnhealthyCandidateChangesNothing() throws Exception {
    peerDocs.put("n2", Optional.empty());
    assertThat(text(call("POST", "/switchover", "{\"leader\":\"n1\",\"candidate\":\"n2\"}")))
        .isEqualTo("412 switchover is not possible: no good candidates have been found");
    peerDocs.put("n3", Optional.of(Map.of("xlog", Map.of(), "tags", Map.of("nofailover", true))));
    assertThat(text(call("POST", "/switchover", "{\"leader\":\"n1\",\"candidate\":\"n3\"}")))
        .isEqualTo("412 switchover is not possible: no good candidates have been found");
    assertThat(text(call("POST", "/switchover", "{\"leader\":\"n2\",\"candidate\":\"n3\"}")))
        .isEqualTo("412 leader name does not match");
    assertThat(text(call("POST", "/failover", "{\"candidate\":\"ghost\"}"))).isEqualTo("412 candidate does not exists");
    assertThat(control.failoverWrites).isEmpty();
    assertThat(control.wakeUps).isZero();
  }

  @Test
  void badBodiesAreRefusedNotCrashed() throws Exception {
    assertThat(call("POST", "/switchover", null).status()).isEqualTo(411);
    assertThat(call("POST", "/switchover", "not json").status()).isEqualTo(400);
    assertThat(call("POST", "/failover", "{}").status()).isEqualTo(400);
    assertThat(call("POST", "/failover", "[\"n2\"]").status()).isEqualTo(400);
    assertThat(call("POST", "/switchover", "{\"leader\":[1]}").status()).isEqualTo(400);
    assertThat(call("PATCH", "/config", "{\"ttl\":").status()).isEqualTo(400);
    assertThat(call("PUT", "/config", "7").status()).isEqualTo(400);
    assertThat(call("POST", "/restart", "{").status()).isEqualTo(400);
    assertThat(call("POST", "/reinitialize", "[]").status()).isEqualTo(400);
    assertThat(control.failoverWrites).isEmpty();
    assertThat(control.configWrites).isEmpty();
  }

  @Test
  void pausedClusterNeedsACandidate() throws Exception {
    control.view = Views.with("n1", Map.of("pause", true), Optional.empty(), "n1", "n2");
    assertThat(text(call("POST", "/switchover", "{\"leader\":\"n1\"}")))
        .isEqualTo("400 Switchover is possible only to a specific candidate in a paused state");
  }

  @Test
  void writeFailureIs503() throws Exception {
    control.failWrites = true;
    assertThat(text(call("POST", "/switchover", "{\"leader\":\"n1\",\"candidate\":\"n2\"}")))
        .isEqualTo("503 failed to write failover key into DCS");
  }

  @Test
  void patchConfigMergesWithCompareAndSet() throws Exception {
    Map<String, Object> config = new java.util.LinkedHashMap<>();
    config.put("ttl", 30L);
    config.put("postgresql", Map.of("use_slots", true));
    control.view = Views.with("n1", config, Optional.empty(), "n1");
    RestResponse r = call("PATCH", "/config", "{\"pause\":true,\"postgresql\":{\"parameters\":{\"work_mem\":\"8MB\"}}}");
    assertThat(text(r)).isEqualTo("200 {\"ttl\":30,\"postgresql\":{\"use_slots\":true,\"parameters\":"
        + "{\"work_mem\":\"8MB\"}},\"pause\":true}");
    assertThat(control.view.config().get().version()).isEqualTo(4);
    assertThat(control.wakeUps).isEqualTo(1);
    assertThat(text(call("PATCH", "/config", "{\"pause\":null}"))).doesNotContain("pause");
  }

  @Test
  void patchConfigConflictsAndRefusals() throws Exception {
    control.concurrentWriter = v -> Views.withConfig(v, Optional.of(new ConfigNode(Map.of("ttl", 20L), 9)));
    assertThat(call("PATCH", "/config", "{\"ttl\":25}").status()).isEqualTo(409);
    control.concurrentWriter = v -> v;
    assertThat(text(call("PATCH", "/config", "{\"loop_wait\":\"often\"}"))).startsWith("400 loop_wait:");
    assertThat(text(call("PATCH", "/config", "{\"postgresql\":{\"data_dir\":\"/tmp/x\"}}")))
        .startsWith("400 postgresql.data_dir: can not be set");
    assertThat(call("PATCH", "/config", null).status()).isEqualTo(411);
    assertThat(call("PATCH", "/config", "{}").status()).isEqualTo(400);
    assertThat(control.configWrites).isEmpty();
    control.view = Views.withConfig(control.view, Optional.empty());
    assertThat(call("PATCH", "/config", "{\"ttl\":25}").status()).isEqualTo(503);
  }

  @Test
  void badSynchronousSettingsAreRefusedNamingTheKey() throws Exception {
    assertThat(text(call("PATCH", "/config", "{\"synchronous_mode\":\"sometimes\"}")))
        .startsWith("400 synchronous_mode:");
    assertThat(text(call("PATCH", "/config", "{\"synchronous_node_count\":0}")))
        .startsWith("400 synchronous_node_count:");
    assertThat(text(call("PATCH", "/config", "{\"synchronous_node_count\":\"two\"}")))
        .startsWith("400 synchronous_node_count:");
    assertThat(text(call("PATCH", "/config", "{\"synchronous_mode_strict\":[]}")))
        .startsWith("400 synchronous_mode_strict:");
    assertThat(text(call("PATCH", "/config", "{\"maximum_lag_on_syncnode\":\"1MB\"}")))
        .startsWith("400 maximum_lag_on_syncnode:");
    assertThat(text(call("PUT", "/config", "{\"ttl\":30,\"synchronous_mode\":{}}")))
        .startsWith("400 synchronous_mode:");
    assertThat(control.configWrites).isEmpty();
    assertThat(call("PATCH", "/config", "{\"synchronous_mode\":\"quorum\",\"synchronous_node_count\":2}").status())
        .isEqualTo(200);
    assertThat(call("PUT", "/config", "{\"synchronous_mode\":\"on\",\"synchronous_mode_strict\":true}").status())
        .isEqualTo(200);
  }

  @Test
  void aBadSynchronousModeAlreadyStoredStillLetsTheClusterBePaused() throws Exception {
    Map<String, Object> config = new java.util.LinkedHashMap<>();
    config.put("ttl", 30L);
    config.put("synchronous_mode", "sometimes");
    control.view = Views.with("n1", config, Optional.empty(), "n1");
    assertThat(text(call("PATCH", "/config", "{\"pause\":true}")))
        .isEqualTo("200 {\"ttl\":30,\"synchronous_mode\":\"sometimes\",\"pause\":true}");
    assertThat(text(call("PATCH", "/config", "{\"synchronous_mode\":\"never\"}"))).startsWith("400 synchronous_mode:");
    assertThat(call("PATCH", "/config", "{\"synchronous_mode\":\"on\"}").status()).isEqualTo(200);
  }

  @Test
  void putConfigReplacesUnconditionally() throws Exception {
    assertThat(text(call("PUT", "/config", "{\"ttl\":20,\"loop_wait\":5}"))).isEqualTo("200 {\"ttl\":20,\"loop_wait\":5}");
    assertThat(control.view.config().get().data()).isEqualTo(Map.of("ttl", 20L, "loop_wait", 5L));
    assertThat(text(call("PUT", "/config", "{\"ttl\":true}"))).startsWith("400 ttl:");
    control.failWrites = true;
    assertThat(call("PUT", "/config", "{\"ttl\":21}").status()).isEqualTo(502);
  }

  @Test
  void restartMapsTheResult() throws Exception {
    assertThat(text(call("POST", "/restart", null))).isEqualTo("200 restarted successfully");
    control.restart = CompletableFuture.completedFuture(new OperationResult(false, "restart failed"));
    assertThat(text(call("POST", "/restart", "{}"))).isEqualTo("503 restart failed");
    control.restart = new CompletableFuture<>();
    assertThat(text(call("POST", "/restart", "{}"))).isEqualTo("503 restart status unknown");
    control.restart = CompletableFuture.failedFuture(new IllegalStateException("boom"));
    assertThat(text(call("POST", "/restart", "{}"))).isEqualTo("503 restart failed");
  }

  @Test
  void restartFiltersAndSchedules() throws Exception {
    control.restart = CompletableFuture.completedFuture(new OperationResult(false, "restart conditions are not satisfied"));
    assertThat(text(call("POST", "/restart", "{\"role\":\"replica\"}"))).isEqualTo("503 restart conditions are not satisfied");
    assertThat(control.lastConditions.role()).contains("replica");
    control.restart = CompletableFuture.completedFuture(new OperationResult(true, "restarted successfully"));
    assertThat(text(call("POST", "/restart", "{\"role\":\"primary\",\"postgres_version\":\"16.0\"}")))
        .isEqualTo("200 restarted successfully");
    assertThat(control.lastConditions.role()).contains("master");
    assertThat(control.lastConditions.postgresVersion()).hasValue(160000);
    assertThat(text(call("POST", "/restart", "{\"schedule\":\"2026-11-24T01:00+01:00\",\"restart_pending\":true}")))
        .isEqualTo("202 Restart scheduled");
    assertThat(control.scheduledRestart).containsExactly(Map.entry("schedule", "2026-11-24T01:00:00+01:00"),
        Map.entry("restart_pending", true));
    assertThat(control.lastConditions.pendingOnly()).isTrue();
    assertThat(text(call("POST", "/restart", "{\"schedule\":\"2026-11-24T03:00+00:00\"}")))
        .isEqualTo("409 Another restart is already scheduled");
    assertThat(text(call("DELETE", "/restart", null))).isEqualTo("200 scheduled restart deleted");
    assertThat(text(call("POST", "/restart", "{\"schedule\":\"2026-11-22T00:00+00:00\"}")))
        .isEqualTo("422 Cannot schedule restart in the past");
    assertThat(text(call("POST", "/restart", "{\"bogus\":1}"))).isEqualTo("400 Unknown filter for the scheduled restart: bogus");
    control.view = Views.with("n1", Map.of("pause", true), Optional.empty(), "n1");
    assertThat(text(call("POST", "/restart", "{\"schedule\":\"2026-11-24T00:00+00:00\"}")))
        .isEqualTo("500 Can't schedule restart in the paused state");
    assertThat(text(call("DELETE", "/restart", null))).isEqualTo("404 no restarts are scheduled");
    assertThat(control.restarts).isEqualTo(2);
  }

  @Test
  void reloadAndReinitialize() throws Exception {
    assertThat(text(call("POST", "/reload", null))).isEqualTo("202 reload scheduled");
    assertThat(control.reloads).isEqualTo(1);
    assertThat(text(call("POST", "/reinitialize", "{\"force\":true}"))).isEqualTo("200 reinitialize started");
    assertThat(control.reinitializeForce).isTrue();
    control.reinitialize = CompletableFuture.completedFuture(new OperationResult(false, "I am the leader, can not reinitialize"));
    assertThat(text(call("POST", "/reinitialize", null))).isEqualTo("503 I am the leader, can not reinitialize");
    assertThat(control.reinitializeForce).isFalse();
  }

  @Test
  void postFailsafeAnswersAsPatroniDoes() throws Exception {
    String body = "{\"name\":\"n1\",\"conn_url\":\"postgres://h:5432/postgres\",\"api_url\":\"http://h:8008/patroni\","
        + "\"slots\":{}}";
    RestResponse off = call("POST", "/failsafe", body);
    assertThat(off.status()).as("failsafe mode off").isEqualTo(502);
    assertThat(control.failsafeRequest).isNull();
    control.failsafeMode = true;
    RestResponse accepted = call("POST", "/failsafe", body);
    assertThat(accepted.status()).isEqualTo(200);
    assertThat(text(accepted)).isEqualTo("200 Accepted");
    assertThat(control.failsafeRequest).containsEntry("name", "n1").containsEntry("api_url", "http://h:8008/patroni");
    control.failsafeAnswer = AgentControl.FailsafeAnswer.LEADER;
    RestResponse leader = call("POST", "/failsafe", body);
    assertThat(leader.status()).isEqualTo(500);
    assertThat(text(leader)).isEqualTo("500 Running as a leader");
    assertThat(call("POST", "/failsafe", "not json").status()).isEqualTo(400);
  }

  @Test
  void endpointsCoverPatronisWriteApi() {
    assertThat(WriteApi.endpoints(control, ClientTls::insecureAnonymous).stream().map(e -> e.method() + " " + e.path()))
        .containsExactlyInAnyOrder("POST /switchover", "POST /failover", "DELETE /switchover", "PATCH /config",
            "PUT /config", "POST /restart", "DELETE /restart", "POST /reload", "POST /reinitialize",
            "POST /failsafe");
  }

  /** Advances by a fixed step at every reading, so a 20 s wait passes in 20 reads. */
  static final class TickingClock extends Clock {
    private Instant now;
    private final Duration step;

    TickingClock(Instant start, Duration step) {
      this.now = start;
      this.step = step;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public synchronized Instant instant() {
      now = now.plus(step);
      return now;
    }
  }
}
