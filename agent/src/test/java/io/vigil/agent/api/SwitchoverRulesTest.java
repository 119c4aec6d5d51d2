package io.vigil.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.agent.api.SwitchoverRules.Answer;
import io.vigil.agent.api.SwitchoverRules.Request;
import io.vigil.dcs.FailoverNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SwitchoverRulesTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private static String refusal(Map<String, Object> body, String action, boolean paused) {
    Object r = SwitchoverRules.validate(body, action, paused, NOW);
    return r instanceof Answer a ? a.status() + " " + a.message() : "accepted";
  }

  @Test
  void validationMessagesArePatronis() {
    assertThat(refusal(Map.of("leader", "n1"), "failover", false))
        .isEqualTo("400 Failover could be performed only to a specific candidate");
    assertThat(refusal(Map.of("candidate", "n2"), "switchover", false))
        .isEqualTo("400 Switchover could be performed only from a specific leader");
    assertThat(refusal(Map.of("candidate", "n2", "scheduled_at", "2026-11-23T13:00+00:00"), "failover", false))
        .isEqualTo("400 Scheduled failover is possible only from a specific leader");
    assertThat(refusal(Map.of("leader", "n1", "scheduled_at", "2026-11-23T13:00+00:00"), "switchover", true))
        .isEqualTo("400 Can't schedule switchover in the paused state");
    assertThat(refusal(Map.of("leader", "n1", "scheduled_at", "2026-11-23T13:00"), "switchover", false))
        .isEqualTo("400 Timezone information is mandatory for the scheduled switchover");
    assertThat(refusal(Map.of("leader", "n1", "scheduled_at", "2026-11-22T13:00+00:00"), "switchover", false))
        .isEqualTo("422 Cannot schedule switchover in the past");
    assertThat(refusal(Map.of("leader", "n1", "scheduled_at", "noon"), "switchover", false))
        .startsWith("422 Unable to parse scheduled timestamp");
    assertThat(refusal(Map.of("leader", "n1"), "switchover", true))
        .isEqualTo("400 Switchover is possible only to a specific candidate in a paused state");
    assertThat(refusal(Map.of("leader", "n1", "candidate", "n1"), "switchover", false))
        .isEqualTo("400 Switchover target and source are the same");
    assertThat(refusal(Map.of("leader", Map.of()), "switchover", false)).startsWith("400 ");
  }

  @Test
  void memberIsAnAliasOfCandidateAndEmptyValuesAreAbsent() {
    Map<String, Object> body = new HashMap<>();
    body.put("leader", "n1");
    body.put("candidate", "");
    body.put("member", "n3");
    body.put("scheduled_at", null);
    assertThat(SwitchoverRules.validate(body, "switchover", true, NOW)).isEqualTo(new Request("n1", "n3", null));
  }

  @Test
  void feasibility() {
    var view = Views.cluster("n1", "n1", "n2", "n3");
    assertThat(SwitchoverRules.feasibility(view, "n2", null, "switchover").refusal().message())
        .isEqualTo("leader name does not match");
    assertThat(SwitchoverRules.feasibility(Views.cluster(null, "n1", "n2"), "n1", null, "switchover").refusal())
        .isEqualTo(new Answer(412, "leader name does not match"));
    assertThat(SwitchoverRules.feasibility(view, "n1", "n9", "switchover").refusal().message())
        .isEqualTo("candidate does not exists");
    assertThat(SwitchoverRules.feasibility(view, null, "n1", "failover").refusal().message())
        .isEqualTo("failover is not possible: candidate is already the leader");
    assertThat(SwitchoverRules.feasibility(Views.cluster("n1", "n1"), "n1", null, "switchover").refusal().message())
        .isEqualTo("switchover is not possible: cluster does not have members except leader");
    assertThat(SwitchoverRules.feasibility(view, "n1", null, "switchover").toPoll())
        .extracting(m -> m.name()).containsExactly("n2", "n3");
    assertThat(SwitchoverRules.feasibility(view, "n1", "n3", "switchover").toPoll())
        .extracting(m -> m.name()).containsExactly("n3");
    assertThat(SwitchoverRules.feasibility(Views.cluster(null, "n1", "n2"), null, "n2", "failover").refusal()).isNull();
  }

  @Test
  void inSynchronousModeOnlyASyncStandbyIsASwitchoverCandidate() {
    var async = Views.with("n1", Map.of("synchronous_mode", true), Optional.empty(), "n1", "n2", "n3");
    var view = async.withSync(Optional.of(new io.vigil.dcs.SyncNode(Optional.of("n1"), List.of("n3"),
        java.util.OptionalInt.empty(), 4)));
    assertThat(SwitchoverRules.feasibility(view, "n1", "n2", "switchover").refusal())
        .isEqualTo(new Answer(412, "candidate name does not match with sync_standby"));
    assertThat(SwitchoverRules.feasibility(view, "n1", "n3", "switchover").refusal()).isNull();
    assertThat(SwitchoverRules.feasibility(view, "n1", null, "switchover").toPoll())
        .extracting(m -> m.name()).containsExactly("n3");
    assertThat(SwitchoverRules.feasibility(async, "n1", null, "switchover").refusal())
        .isEqualTo(new Answer(412, "switchover is not possible: can not find sync_standby"));
  }

  @Test
  void candidatesMustBeReachableReplicasThatMayPromote() {
    assertThat(SwitchoverRules.limitation(Optional.empty())).hasValue("not reachable");
    assertThat(SwitchoverRules.limitation(Optional.of(Map.of("state", "stopped", "role", "replica"))))
        .hasValue("not reachable");
    assertThat(SwitchoverRules.limitation(Optional.of(Map.of("xlog", Map.of(), "tags", Map.of("nofailover", true)))))
        .hasValue("not allowed to promote");
    assertThat(SwitchoverRules.limitation(Optional.of(Map.of("xlog", Map.of(), "watchdog_failed", true))))
        .hasValue("not watchdog capable");
    assertThat(SwitchoverRules.limitation(Optional.of(Views.replicaDoc()))).isEmpty();
    assertThat(SwitchoverRules.judge(List.of(Optional.empty(), Optional.of(Views.replicaDoc())), "switchover"))
        .isEmpty();
    assertThat(SwitchoverRules.judge(List.of(Optional.empty()), "failover"))
        .hasValue(new Answer(412, "failover is not possible: no good candidates have been found"));
  }

  @Test
  void failoverValueOmitsEmptiesAndSaysMember() {
    assertThat(SwitchoverRules.failoverValue(new Request("n1", null, null))).isEqualTo(Map.of("leader", "n1"));
    assertThat(SwitchoverRules.failoverValue(new Request("n1", "n2",
        OffsetDateTime.of(2026, 11, 23, 13, 0, 0, 0, ZoneOffset.UTC))))
        .containsExactly(Map.entry("leader", "n1"), Map.entry("member", "n2"),
            Map.entry("scheduled_at", "2026-11-23T13:00:00+00:00"));
  }

  @Test
  void outcome() {
    var pending = Views.with("n1", Map.of(), Optional.of(new FailoverNode(Optional.of("n1"), Optional.of("n2"),
        Optional.empty(), 1)), "n1", "n2", "n3");
    assertThat(SwitchoverRules.outcome(pending, "n1", "n2", "switchover")).isEmpty();
    assertThat(SwitchoverRules.outcome(Views.withLeader(pending, null), "n1", "n2", "switchover")).isEmpty();
    assertThat(SwitchoverRules.outcome(Views.withLeader(pending, "n2"), "n1", "n2", "switchover"))
        .hasValue(new Answer(200, "Successfully switched over to \"n2\""));
    assertThat(SwitchoverRules.outcome(Views.withLeader(pending, "n3"), "n1", "n2", "failover"))
        .hasValue(new Answer(200, "Failed over to \"n3\" instead of \"n2\""));
    assertThat(SwitchoverRules.outcome(Views.cluster("n1", "n1", "n2"), "n1", "n2", "switchover"))
        .hasValue(new Answer(503, "Switchover failed"));
    assertThat(SwitchoverRules.timedOut("failover")).isEqualTo(new Answer(503, "Failover status unknown"));
  }

  @Test
  void pauseIsReadLikeParseBool() {
    assertThat(SwitchoverRules.paused(Views.with("n1", Map.of("pause", true), Optional.empty()))).isTrue();
    assertThat(SwitchoverRules.paused(Views.with("n1", Map.of("pause", "on"), Optional.empty()))).isTrue();
    assertThat(SwitchoverRules.paused(Views.with("n1", Map.of("pause", "false"), Optional.empty()))).isFalse();
    assertThat(SwitchoverRules.paused(Views.cluster("n1"))).isFalse();
  }
}
