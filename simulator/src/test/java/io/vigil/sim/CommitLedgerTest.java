package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which acknowledged commits a WAL holds, and what switching synchronous mode off does to the promise. */
class CommitLedgerTest {

  private final WalHistory primary = WalHistory.initdb(1, 1_000).append(500);
  private final CommitLedger ledger = new CommitLedger();

  @Test
  void aSynchronousAckIsHeldToEveryLaterPrimary() {
    ledger.synchronousMode(true);
    assertThat(ledger.acknowledged("node1", primary.prefix(1_200), 0, true, true)).isPresent();
    assertThat(ledger.acknowledged("node1", primary.prefix(1_400), 0, true, true)).isPresent();

    WalHistory promotedAt1300 = primary.prefix(1_300).branch(2, 2).append(280);
    assertThat(ledger.syncMissingFrom(promotedAt1300)).map(CommitLedger.Ack::end).contains(1_400L);
    assertThat(ledger.syncMissingFrom(primary.prefix(1_400).branch(2, 3))).isEmpty();
    // same LSN, other content: a fork before the commit does not hold it
    WalHistory fork = WalHistory.initdb(1, 1_000).append(100).branch(2, 4).append(400);
    assertThat(ledger.syncMissingFrom(fork)).isPresent();
  }

  @Test
  void anAckWithoutWaitingOrOutsideSynchronousModeIsAsynchronous() {
    ledger.synchronousMode(false);
    assertThat(ledger.acknowledged("node1", primary.prefix(1_100), 0, true, true)).as("mode off").isEmpty();
    ledger.synchronousMode(true);
    assertThat(ledger.acknowledged("node1", primary.prefix(1_200), 0, false, false)).as("ssn empty").isEmpty();
    assertThat(ledger.syncMissingFrom(primary.prefix(1_000).branch(2, 2))).isEmpty();

    CommitStats s = ledger.stats(primary.prefix(1_150).branch(2, 2));
    assertThat(s.asyncAcked()).isEqualTo(2);
    assertThat(s.asyncLost()).isEqualTo(1);
    assertThat(s.asyncRoutedAcked()).isEqualTo(1);
    assertThat(s.asyncRoutedLost()).isZero();
  }

  @Test
  void switchingSynchronousModeOffWithdrawsThePromise() {
    ledger.synchronousMode(true);
    ledger.acknowledged("node1", primary.prefix(1_400), 0, true, true);
    ledger.synchronousMode(false);
    WalHistory lagging = primary.prefix(1_300).branch(2, 2);
    assertThat(ledger.syncMissingFrom(lagging)).isEmpty();

    CommitStats s = ledger.stats(lagging);
    assertThat(s.syncAcked()).isZero();
    assertThat(s.withdrawnAcked()).isEqualTo(1);
    assertThat(s.withdrawnLost()).isEqualTo(1);
  }
}
