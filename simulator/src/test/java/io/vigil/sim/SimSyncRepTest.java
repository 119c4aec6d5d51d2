package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.postgres.SyncStandbyNames;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PostgreSQL's synchronous replication rules as the simulated primary applies them. */
class SimSyncRepTest {

  private static final List<SimSyncRep.Sender> BOTH = List.of(new SimSyncRep.Sender("node2", 900),
      new SimSyncRep.Sender("node3", 700));

  @Test
  void withoutSynchronousStandbysEverythingIsReleased() {
    SyncStandbyNames.Parsed none = SyncStandbyNames.parse("");
    assertThat(SimSyncRep.releaseLsn(none, BOTH)).isEqualTo(Long.MAX_VALUE);
    assertThat(SimSyncRep.states(none, List.of("node2", "node3"))).containsExactly("async", "async");
  }

  @Test
  void thePriorityRuleWaitsForTheFirstListedStandbysThatStream() {
    SyncStandbyNames.Parsed one = SyncStandbyNames.parse("node3");
    assertThat(SimSyncRep.releaseLsn(one, BOTH)).isEqualTo(700);
    assertThat(SimSyncRep.states(one, List.of("node2", "node3"))).containsExactly("async", "sync");
    assertThat(SimSyncRep.releaseLsn(one, List.of(BOTH.get(0)))).as("node3 does not stream")
        .isEqualTo(SimSyncRep.NONE_RELEASED);

    SyncStandbyNames.Parsed two = SyncStandbyNames.parse("2 (node2,node3)");
    assertThat(SimSyncRep.releaseLsn(two, BOTH)).isEqualTo(700);
    assertThat(SimSyncRep.releaseLsn(two, List.of(BOTH.get(0)))).isEqualTo(SimSyncRep.NONE_RELEASED);

    SyncStandbyNames.Parsed firstOfTwo = SyncStandbyNames.parse("FIRST 1 (node2,node3)");
    assertThat(SimSyncRep.releaseLsn(firstOfTwo, BOTH)).isEqualTo(900);
    assertThat(SimSyncRep.states(firstOfTwo, List.of("node2", "node3"))).containsExactly("sync", "potential");
    assertThat(SimSyncRep.releaseLsn(firstOfTwo, List.of(BOTH.get(1)))).as("the potential one takes over")
        .isEqualTo(700);
  }

  @Test
  void strictModesStarWaitsForAnyOneStandby() {
    SyncStandbyNames.Parsed star = SyncStandbyNames.parse(SyncStandbyNames.STRICT_NONE);
    assertThat(SimSyncRep.releaseLsn(star, BOTH)).isEqualTo(900);
    assertThat(SimSyncRep.releaseLsn(star, List.of())).isEqualTo(SimSyncRep.NONE_RELEASED);
  }

  @Test
  void aQuorumReleasesUpToTheKthNewestFlush() {
    SyncStandbyNames.Parsed any1 = SyncStandbyNames.parse("ANY 1 (node2,node3)");
    assertThat(SimSyncRep.releaseLsn(any1, BOTH)).isEqualTo(900);
    assertThat(SimSyncRep.states(any1, List.of("node2", "node3"))).containsExactly("quorum", "quorum");
    SyncStandbyNames.Parsed any2 = SyncStandbyNames.parse("ANY 2 (node2,node3)");
    assertThat(SimSyncRep.releaseLsn(any2, BOTH)).isEqualTo(700);
  }
}
