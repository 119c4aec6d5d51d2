package io.vigil.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.agent.ha.Isoformat;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ScheduledAtTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void acceptsTheIsoFormsOperatorsSend() {
    assertThat(ScheduledAt.parse("2026-11-23T13:00:00+00:00", "switchover", NOW).time())
        .isEqualTo(OffsetDateTime.of(2026, 11, 23, 13, 0, 0, 0, ZoneOffset.UTC));
    assertThat(ScheduledAt.parse("2026-11-23 14:30+01:00", "switchover", NOW).time().toInstant())
        .isEqualTo(Instant.parse("2026-11-23T13:30:00Z"));
    assertThat(ScheduledAt.parse("2026-11-23T13:00Z", "switchover", NOW).ok()).isTrue();
    assertThat(ScheduledAt.parse("2026-11-23T13:00:00.250+0100", "switchover", NOW).time().getNano())
        .isEqualTo(250_000_000);
    assertThat(ScheduledAt.parse("2026-11-24T05:00:00-08", "switchover", NOW).time().getOffset())
        .isEqualTo(ZoneOffset.ofHours(-8));
    assertThat(ScheduledAt.parse("2026-11-24 UTC", "switchover", NOW).time().getHour()).isZero();
  }

  @Test
  void withoutTimeZoneIs400() {
    var r = ScheduledAt.parse("2026-11-23T13:00", "switchover", NOW);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("Timezone information is mandatory for the scheduled switchover");
  }

  @Test
  void pastIs422() {
    var r = ScheduledAt.parse("2026-11-23T11:59:59+00:00", "restart", NOW);
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.error()).isEqualTo("Cannot schedule restart in the past");
  }

  @Test
  void garbageIs422() {
    for (Object bad : new Object[] {"tomorrow", "2026-13-01T00:00+00:00", "2026-11-23T25:00+00:00", 42, true, ""}) {
      var r = ScheduledAt.parse(bad, "switchover", NOW);
      assertThat(r.status()).as("%s", bad).isEqualTo(422);
      assertThat(r.error()).startsWith("Unable to parse scheduled timestamp");
    }
  }

  @Test
  void formatsLikePythonIsoformat() {
    assertThat(Isoformat.of(OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC)))
        .isEqualTo("2026-01-02T03:04:05+00:00");
    assertThat(Isoformat.of(OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 120_000, ZoneOffset.ofHoursMinutes(-5, -30))))
        .isEqualTo("2026-01-02T03:04:05.000120-05:30");
  }
}
