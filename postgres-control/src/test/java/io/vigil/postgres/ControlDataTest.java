package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ControlDataTest {

  private static String fixture() throws IOException {
    try (InputStream in = ControlDataTest.class.getResourceAsStream("/pg_controldata-15.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void parsesCapturedPostgres15Output() throws IOException {
    ControlData data = ControlData.parse(fixture());
    assertThat(data.systemIdentifier()).isEqualTo("7711330937172149969");
    assertThat(data.clusterState()).isEqualTo("shut down");
    assertThat(data.latestCheckpointLsn()).isEqualTo(0x17414F8L);
    assertThat(data.latestCheckpointTimeline()).isEqualTo(1);
    assertThat(data.minRecoveryEndingLsn()).isZero();
    assertThat(data.minRecoveryEndingTimeline()).isZero();
    assertThat(data.dataChecksums()).isTrue();
    assertThat(data.walLogHints()).isFalse();
    assertThat(data.intSetting("max_connections setting")).hasValue(100);
    assertThat(data.intSetting("max_wal_senders setting")).hasValue(10);
    assertThat(data.get("Latest checkpoint's NextXID")).hasValue("0:724");
    assertThat(data.get("Latest checkpoint's oldestCommitTsXid")).hasValue("0");
  }

  @Test
  void dropsTheCurrentPrefixOfOlderVersions() {
    ControlData data = ControlData.parse("Current wal_level setting:            replica\n"
        + "Current wal_log_hints setting:        on\n");
    assertThat(data.get("wal_level setting")).hasValue("replica");
    assertThat(data.walLogHints()).isTrue();
  }

  private static ControlData state(String state, String minRecoveryLsn, String minRecoveryTimeline) {
    return ControlData.parse("Database cluster state:               " + state + "\n"
        + "Minimum recovery ending location:     " + minRecoveryLsn + "\n"
        + "Min recovery ending loc's timeline:   " + minRecoveryTimeline + "\n");
  }

  @Test
  void tellsAPrimaryFromAStandbyByClusterState() {
    for (String primary : new String[] {"in production", "shut down", "in crash recovery", "shutting down"}) {
      assertThat(state(primary, "0/0", "0").wasPrimary()).as(primary).isTrue();
    }
    for (String standby : new String[] {"shut down in recovery", "in archive recovery"}) {
      assertThat(state(standby, "0/3000060", "2").wasPrimary()).as(standby).isFalse();
      // Patroni: a standby state without a recovery point is a crashed primary started in standby mode
      assertThat(state(standby, "0/0", "0").wasPrimary()).as(standby + " at 0/0").isTrue();
    }
    assertThatThrownBy(() -> state("starting up", "0/0", "0").wasPrimary())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'starting up'");
  }

  @Test
  void uncleanShutdownOnlyForPrimaryStatesOtherThanShutDown() {
    assertThat(state("in production", "0/0", "0").uncleanPrimaryShutdown()).isTrue();
    assertThat(state("in crash recovery", "0/0", "0").uncleanPrimaryShutdown()).isTrue();
    assertThat(state("shutting down", "0/0", "0").uncleanPrimaryShutdown()).isTrue();
    assertThat(state("shut down", "0/0", "0").uncleanPrimaryShutdown()).isFalse();
    assertThat(state("in archive recovery", "0/3000060", "2").uncleanPrimaryShutdown()).isFalse();
    assertThat(state("shut down in recovery", "0/3000060", "2").uncleanPrimaryShutdown()).isFalse();
  }

  @Test
  void missingKeysAreReportedByName() {
    ControlData data = ControlData.parse("garbage\n");
    assertThat(data.raw()).isEmpty();
    assertThatThrownBy(data::systemIdentifier).hasMessageContaining("Database system identifier");
  }
}
