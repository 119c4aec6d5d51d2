package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What invariants 7 and 7b compare: timeline ids opened by promotions, a switchover's final WAL. */
class TimelineLedgerTest {

  private final TimelineLedger ledger = new TimelineLedger();

  @Test
  void aTimelineIdOpenedTwiceIsReportedEvenWithTheSameSwitchPoint() {
    TimelineLedger.Opening first = new TimelineLedger.Opening("node1", 2, 1, 5_000, 100);
    TimelineLedger.Opening again = new TimelineLedger.Opening("node2", 2, 1, 5_000, 200);

    assertThat(ledger.open(first)).isEmpty();
    assertThat(ledger.open(new TimelineLedger.Opening("node2", 3, 2, 6_000, 150))).isEmpty();
    assertThat(ledger.open(again)).contains(first);
    assertThat(again.sameSwitch(first)).isTrue();
  }

  @Test
  void aCandidateMissesTheFinalWalOfAnotherWriterEvenAtAHigherPosition() {
    WalHistory parent = WalHistory.initdb(1, 1_000).append(500);
    WalHistory oldLeader = parent.branch(2, 2).append(400);
    Handover handover = new Handover("node1", "node2", oldLeader);

    assertThat(handover.missingFrom(oldLeader)).isZero();
    assertThat(handover.missingFrom(parent)).as("never got timeline 2").isEqualTo(400);
    assertThat(handover.missingFrom(parent.branch(1, 3).append(2_000)))
        .as("wrote its own WAL past the switch point").isEqualTo(400);
  }
}
