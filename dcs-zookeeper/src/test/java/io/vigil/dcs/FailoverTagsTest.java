package io.vigil.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Patroni 3.2's reading of nofailover and failover_priority (patroni/tags.py), on published tag objects. */
class FailoverTagsTest {

  @Test
  void absentTagsMeanPriorityOneAndMayPromote() {
    assertThat(FailoverTags.failoverPriority(Map.of())).isEqualTo(1);
    assertThat(FailoverTags.nofailover(Map.of())).isFalse();
  }

  @Test
  void priorityZeroOrBelowMeansNeverPromote() {
    assertThat(FailoverTags.nofailover(Map.of("failover_priority", 0))).isTrue();
    assertThat(FailoverTags.nofailover(Map.of("failover_priority", -3))).isTrue();
    assertThat(FailoverTags.nofailover(Map.of("failover_priority", 2))).isFalse();
    assertThat(FailoverTags.failoverPriority(Map.of("failover_priority", "2")))
        .as("a decimal string, as Python's int()").isEqualTo(2);
  }

  @Test
  void aPresentNofailoverWinsAContradiction() {
    assertThat(FailoverTags.nofailover(Map.of("nofailover", true, "failover_priority", 5))).isTrue();
    assertThat(FailoverTags.failoverPriority(Map.of("nofailover", true, "failover_priority", 5))).isZero();
    assertThat(FailoverTags.nofailover(Map.of("nofailover", false, "failover_priority", 0))).isFalse();
    assertThat(FailoverTags.failoverPriority(Map.of("nofailover", false, "failover_priority", 0))).isZero();
  }

  @Test
  void garbagePriorityCountsAsTheDefault() {
    assertThat(FailoverTags.failoverPriority(Map.of("failover_priority", "high"))).isEqualTo(1);
    assertThat(FailoverTags.nofailover(Map.of("failover_priority", "high"))).isFalse();
  }

  @Test
  void memberNodeAppliesTheRule() {
    MemberNode m = new MemberNode("n2", Map.of("tags", Map.of("failover_priority", 0)), 1);
    assertThat(m.nofailover()).isTrue();
    assertThat(m.tagTrue("nofailover")).as("the raw tag is absent").isFalse();
  }
}
