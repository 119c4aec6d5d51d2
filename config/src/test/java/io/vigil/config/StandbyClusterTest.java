package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StandbyClusterTest {

  @Test
  void readsEveryKeyOfTheSection() {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("host", "10.0.0.9");
    section.put("port", "6543");
    section.put("primary_slot_name", "dr");
    section.put("restore_command", "cp /a/%f %p");
    section.put("archive_cleanup_command", "pg_archivecleanup /a %r");
    section.put("recovery_min_apply_delay", 300000);
    section.put("create_replica_methods", List.of("basebackup"));
    StandbyCluster s = DynamicConfig.fromMap(Map.of("standby_cluster", section)).standbyCluster().orElseThrow();
    assertThat(s.problem()).isEmpty();
    assertThat(s.host()).hasValue("10.0.0.9");
    assertThat(s.port()).isEqualTo(6543);
    assertThat(s.primarySlotName()).hasValue("dr");
    assertThat(s.createReplicaMethods()).containsExactly("basebackup");
    assertThat(s.recoverySettings()).containsExactly(Map.entry("restore_command", "cp /a/%f %p"),
        Map.entry("archive_cleanup_command", "pg_archivecleanup /a %r"), Map.entry("recovery_min_apply_delay", "300000"));
    assertThat(s.describe()).isEqualTo("10.0.0.9:6543");
  }

  @Test
  void absentOrEmptyIsNoStandbyCluster() {
    assertThat(StandbyCluster.of(null)).isEmpty();
    assertThat(StandbyCluster.of(Map.of())).isEmpty();
    assertThat(DynamicConfig.defaults().standbyCluster()).isEmpty();
  }

  @Test
  void aSectionThatCannotBeFollowedIsStillAStandbyClusterWithItsProblem() {
    StandbyCluster portOnly = StandbyCluster.of(Map.of("port", 5432)).orElseThrow();
    assertThat(portOnly.problem()).hasValue(
        "standby_cluster: needs a host (the remote primary to replicate from) or a restore_command");
    assertThat(portOnly.streams()).isFalse();
    assertThat(portOnly.recoverySettings()).isEmpty();
    StandbyCluster text = StandbyCluster.of("yes").orElseThrow();
    assertThat(text.problem()).hasValue("standby_cluster: expected a mapping, got \"yes\"");
    StandbyCluster badPort = StandbyCluster.of(Map.of("host", "h", "restore_command", "x", "port", 70000)).orElseThrow();
    assertThat(badPort.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("standby_cluster.port:"));
    assertThat(badPort.host()).as("nothing to follow").isEqualTo(Optional.empty());
  }

  @Test
  void archiveOnlyStandbyStreamsFromNowhere() {
    StandbyCluster s = StandbyCluster.of(Map.of("restore_command", "cp /a/%f %p")).orElseThrow();
    assertThat(s.problem()).isEmpty();
    assertThat(s.streams()).isFalse();
    assertThat(s.describe()).isEqualTo("the archive (restore_command)");
  }
}
