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

  @Test
  void missingKeysAreReportedByName() {
    ControlData data = ControlData.parse("garbage\n");
    assertThat(data.raw()).isEmpty();
    assertThatThrownBy(data::systemIdentifier).hasMessageContaining("Database system identifier");
  }
}
