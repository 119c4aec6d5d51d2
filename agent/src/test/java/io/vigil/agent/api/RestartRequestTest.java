package io.vigil.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartRequestTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private static Object parse(Object... kv) {
    Map<String, Object> body = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      body.put((String) kv[i], kv[i + 1]);
    }
    return RestartRequest.parse(body, NOW);
  }

  private static String refusal(Object o) {
    return o instanceof RestartRequest.Refusal r ? r.status() + " " + r.message() : "accepted";
  }

  @Test
  void validatesFiltersWithPatronisMessages() {
    assertThat(refusal(parse("role", "leader"))).isEqualTo("400 PostgreSQL role should be either master or replica");
    assertThat(refusal(parse("postgres_version", "9.6"))).isEqualTo(
        "400 Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: 9.6");
    assertThat(refusal(parse("postgres_version", "a.b"))).isEqualTo("400 Invalid PostgreSQL version: a.b");
    assertThat(refusal(parse("timeout", "-5"))).isEqualTo("400 Timeout should be a positive number of seconds");
    assertThat(refusal(parse("timeout", "soon"))).isEqualTo("400 Timeout should be a positive number of seconds");
    assertThat(refusal(parse("colour", "red"))).isEqualTo("400 Unknown filter for the scheduled restart: colour");
    assertThat(refusal(parse("schedule", "2026-11-23T10:00+00:00"))).isEqualTo("422 Cannot schedule restart in the past");
    assertThat(refusal(parse("role", "primary", "timeout", "1min", "restart_pending", true,
        "postgres_version", "16.1"))).isEqualTo("accepted");
  }

  @Test
  void matchesTheNodesStatus() {
    var req = (RestartRequest) parse("role", "primary", "postgres_version", "16.1", "restart_pending", true);
    Map<String, Object> doc = Map.of("role", "master", "server_version", 150004L, "pending_restart", true);
    assertThat(req.matches(Optional.of(doc))).isTrue();
    assertThat(req.matches(Optional.of(Map.of("role", "replica", "server_version", 150004L, "pending_restart", true))))
        .isFalse();
    assertThat(req.matches(Optional.of(Map.of("role", "master", "server_version", 160001L, "pending_restart", true))))
        .as("not older than the given version").isFalse();
    assertThat(req.matches(Optional.of(Map.of("role", "master", "server_version", 150004L)))).isFalse();
    assertThat(req.matches(Optional.empty())).isFalse();
    assertThat(((RestartRequest) parse()).matches(Optional.empty())).as("no filter").isTrue();
  }

  @Test
  void versionToInt() {
    assertThat(RestartRequest.versionToInt("9.5.3")).isEqualTo(90503);
    assertThat(RestartRequest.versionToInt("15.4")).isEqualTo(150004);
  }
}
