package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.agent.ha.PromotionCost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFileTest {

  @TempDir
  Path dataDir;

  private List<List<Object>> build(Optional<PromotionCost> cost, List<List<Object>> known) throws Exception {
    Files.createDirectories(dataDir.resolve("pg_wal"));
    Files.writeString(dataDir.resolve("pg_wal/00000003.history"),
        "1\t0/3000000\tno recovery target specified\n\n2\t0/5000060\tno recovery target specified\n");
    return new HistoryFile(dataDir).build(3, known, "n2", cost);
  }

  @Test
  void theNewestLineSaysWhatThePromotionCost() throws Exception {
    List<Object> first = List.of(1, 50331648L, "no recovery target specified", "2026-12-01T10:00:00+00:00", "n1");
    List<List<Object>> h = build(Optional.of(new PromotionCost(3, 1234, 4096, false)), List.of(first));
    assertThat(h).hasSize(2);
    assertThat(h.get(0)).isEqualTo(first);
    assertThat(h.get(1).subList(0, 3)).containsExactly(2, 83886176L,
        "no recovery target specified; writable 1.234 s after the leader lock was gone, at least 4096 bytes at risk "
            + "(behind the old leader's last published position)");
    assertThat(h.get(1).get(4)).isEqualTo("n2");
  }

  @Test
  void earlierPromotionsKeepTheCostTheirLeaderRecorded() throws Exception {
    List<Object> first = List.of(1, 50331648L, "no recovery target specified; writable 0.300 s after the leader lock "
        + "was gone, 0 bytes at risk", "2026-12-01T10:00:00+00:00", "n1");
    List<Object> provisional = List.of(2, 83886176L, "promotion in progress", "2026-12-01T11:00:00+00:00", "n2");
    List<List<Object>> h = build(Optional.empty(), List.of(first, provisional));
    assertThat(h.get(0)).isEqualTo(first);
    assertThat(h.get(1).get(2)).as("a provisional line's text is not a reason").isEqualTo("no recovery target specified");
  }

  @Test
  void inSynchronousModeNothingAcknowledgedIsAtRisk() throws Exception {
    List<List<Object>> h = build(Optional.of(new PromotionCost(3, 800, 120, true)), List.of());
    assertThat((String) h.get(1).get(2)).endsWith("writable 0.800 s after the leader lock was gone, 0 acknowledged "
        + "bytes at risk (synchronous standby; 120 bytes behind the old leader's last position)");
    assertThat(build(Optional.empty(), List.of()).get(1).get(2)).isEqualTo("no recovery target specified");
  }
}
