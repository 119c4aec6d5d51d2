package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RewinderTest {

  @Test
  void readsTheLongOptionsOfPostmasterOpts() {
    String opts = "/usr/lib/postgresql/15/bin/postgres \"-D\" \"/data/pg\" \"--config-file=/data/pg/postgresql.conf\" "
        + "\"--listen_addresses=\" \"--port=5432\" \"--cluster_name=my cluster\" \"--wal_level=replica\"\n";
    assertThat(Rewinder.parsePostmasterOpts(opts)).containsExactly(
        Map.entry("config_file", "/data/pg/postgresql.conf"),
        Map.entry("listen_addresses", ""),
        Map.entry("port", "5432"),
        Map.entry("cluster_name", "my cluster"),
        Map.entry("wal_level", "replica"));
  }

  @Test
  void skipsWhatIsNotANameValueOption() {
    assertThat(Rewinder.parsePostmasterOpts("postgres \"-D\" \"/d\" \"--=x\" \"--bad name=1\" \"-c\" \"a=b\"")).isEmpty();
    assertThat(Rewinder.parsePostmasterOpts("")).isEmpty();
  }

  private static final String HISTORY_3 = "1\t0/3000000\tno recovery target specified\n\n"
      + "2\t0/50000A0\tno recovery target specified\n";

  @Test
  void readsSwitchPointsFromATimelineHistory() {
    assertThat(Rewinder.switchPoint(HISTORY_3, 1)).hasValue(0x3000000L);
    assertThat(Rewinder.switchPoint(HISTORY_3, 2)).hasValue(0x50000A0L);
    assertThat(Rewinder.switchPoint(HISTORY_3, 3)).isEmpty();
    assertThat(Rewinder.switchPoint("", 1)).isEmpty();
    assertThat(Rewinder.switchPoint("# comment\ngarbage\n", 1)).isEmpty();
  }

  @Test
  void aStandbyDivergedWhenItWentPastTheSourcesSwitchPoint() {
    assertThat(Rewinder.standbyDiverged(3, 0x9000000L, 3, HISTORY_3)).as("same timeline").isFalse();
    assertThat(Rewinder.standbyDiverged(4, 0x1000000L, 3, HISTORY_3)).as("newer timeline").isTrue();
    assertThat(Rewinder.standbyDiverged(2, 0x50000A0L, 3, HISTORY_3)).as("at the switch point").isFalse();
    assertThat(Rewinder.standbyDiverged(2, 0x50000A1L, 3, HISTORY_3)).as("past it").isTrue();
    assertThat(Rewinder.standbyDiverged(1, 0x2000000L, 3, HISTORY_3)).isFalse();
    assertThat(Rewinder.standbyDiverged(1, 0x3000100L, 3, HISTORY_3)).isTrue();
    assertThat(Rewinder.standbyDiverged(1, 0x3000100L, 3, "")).as("timeline not in the history").isTrue();
  }

  @Test
  void keepsTheLastTenNonBlankLines() {
    StringBuilder text = new StringBuilder("\n");
    for (int i = 1; i <= 12; i++) {
      text.append("line ").append(i).append("\n\n");
    }
    assertThat(Rewinder.lastLines(text.toString())).startsWith("line 3\nline 4\n").endsWith("line 12");
    assertThat(Rewinder.lastLines("pg_rewind: no rewind required\n")).isEqualTo("pg_rewind: no rewind required");
  }
}
