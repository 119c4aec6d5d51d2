package io.vigil.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
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
  void parsesConditionsAndThePublishedRequest() {
    var req = (RestartRequest) parse("role", "primary", "postgres_version", "16.1", "restart_pending", true,
        "timeout", "2min", "schedule", "2026-11-23T14:00+01");
    assertThat(req.conditions().role()).contains("master");
    assertThat(req.conditions().postgresVersion()).hasValue(160001);
    assertThat(req.conditions().pendingOnly()).isTrue();
    assertThat(req.conditions().timeoutSeconds()).hasValue(120);
    assertThat(req.schedule()).hasValueSatisfying(t -> assertThat(t.toInstant()).isEqualTo("2026-11-23T13:00:00Z"));
    assertThat(req.published()).containsExactly(Map.entry("role", "primary"), Map.entry("postgres_version", "16.1"),
        Map.entry("restart_pending", true), Map.entry("timeout", "2min"),
        Map.entry("schedule", "2026-11-23T14:00:00+01:00"));
    var now = (RestartRequest) parse();
    assertThat(now.schedule()).isEmpty();
    assertThat(now.conditions()).isEqualTo(io.vigil.agent.ha.RestartConditions.NONE);
  }

  @Test
  void versionToInt() {
    assertThat(RestartRequest.versionToInt("9.5.3")).isEqualTo(90503);
    assertThat(RestartRequest.versionToInt("15.4")).isEqualTo(150004);
  }
}
