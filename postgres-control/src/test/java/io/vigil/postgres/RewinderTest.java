package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.OptionalLong;
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
  void aFormerPrimaryFollowsWithoutRewindOnlyIfItsCheckpointEndsAtTheSwitchPoint() {
    OptionalLong atSwitch = OptionalLong.of(0x50000A0L);
    assertThat(Rewinder.primaryDiverged(2, 0x5000028L, 3, HISTORY_3, () -> atSwitch)).as("clean switchover").isFalse();
    assertThat(Rewinder.primaryDiverged(2, 0x5000028L, 3, HISTORY_3, () -> OptionalLong.of(0x5000098L)))
        .as("the source has WAL this node never wrote").isTrue();
    assertThat(Rewinder.primaryDiverged(2, 0x5000028L, 3, HISTORY_3, OptionalLong::empty))
        .as("end unknown").isTrue();
    assertThat(Rewinder.primaryDiverged(2, 0x50000A0L, 3, HISTORY_3, () -> atSwitch))
        .as("checkpoint at the switch point: written after the source forked").isTrue();
    assertThat(Rewinder.primaryDiverged(2, 0x6000028L, 3, HISTORY_3, () -> atSwitch)).as("past it").isTrue();
    assertThat(Rewinder.primaryDiverged(4, 0x1000000L, 3, HISTORY_3, () -> atSwitch)).as("newer timeline").isTrue();
    assertThat(Rewinder.primaryDiverged(3, 0x9000000L, 3, HISTORY_3, () -> atSwitch)).as("same timeline").isFalse();
    assertThat(Rewinder.primaryDiverged(2, 0x5000028L, 3, "", () -> atSwitch)).as("not in the history").isTrue();
  }

  /** pg_waldump 15 on a cleanly shut down primary (LANG=C), as run by checkpointEnd. */
  private static final String WALDUMP_OUT = "rmgr: XLOG        len (rec/tot):    114/   114, tx:          0, "
      + "lsn: 0/01500790, prev 0/01500718, desc: CHECKPOINT_SHUTDOWN redo 0/1500790; tli 1; prev tli 1; fpw true; "
      + "xid 0:724; oid 13572; multi 1; offset 0; oldest xid 716 in DB 1; shutdown\n";
  private static final String WALDUMP_ERR =
      "pg_waldump: error: error in WAL record at 0/1500790: invalid record length at 0/1500808: wanted 24, got 0\n";

  @Test
  void findsWhereTheShutdownCheckpointEndsInPgWaldumpsOutput() {
    assertThat(Rewinder.checkpointEnd(WALDUMP_OUT, WALDUMP_ERR, 0x1500790L)).hasValue(0x1500808L);
    assertThat(Rewinder.checkpointEnd(WALDUMP_OUT, WALDUMP_ERR, 0x1500718L)).as("another record").isEmpty();
    assertThat(Rewinder.checkpointEnd(WALDUMP_OUT + WALDUMP_OUT, WALDUMP_ERR, 0x1500790L)).as("two records").isEmpty();
    assertThat(Rewinder.checkpointEnd("", "pg_waldump: error: could not find file \"000000010000000000000001\"\n",
        0x1500790L)).isEmpty();
    assertThat(Rewinder.checkpointEnd(WALDUMP_OUT, "", 0x1500790L)).isEmpty();
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
