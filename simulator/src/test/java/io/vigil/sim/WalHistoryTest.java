package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The WAL model: what two data directories share, and what PostgreSQL agrees to stream. */
class WalHistoryTest {

  private final WalHistory primary = WalHistory.initdb(1, 1_000).append(500);

  @Test
  void aReplicaThatReceivedPartOfTheWalSharesAllOfIt() {
    WalHistory replica = primary.prefix(1_200);

    assertThat(replica.commonPrefix(primary)).isEqualTo(1_200);
    assertThat(primary.servesStandbyAt(replica.timeline(), replica.end())).isTrue();
  }

  @Test
  void aStandbyFollowsAPromotionItHasNotGonePast() {
    WalHistory promoted = primary.prefix(1_300).branch(2, 2).append(100);
    WalHistory behind = primary.prefix(1_250);
    WalHistory ahead = primary;

    assertThat(promoted.servesStandbyAt(1, behind.end())).isTrue();
    assertThat(behind.commonPrefix(promoted)).isEqualTo(1_250);
    assertThat(promoted.servesStandbyAt(1, ahead.end())).as("past the switch point").isFalse();
    assertThat(ahead.commonPrefix(promoted)).isEqualTo(1_300);
  }

  @Test
  void aStandbyOnANewerTimelineIsRefused() {
    WalHistory promoted = primary.branch(2, 2);

    assertThat(primary.servesStandbyAt(promoted.timeline(), promoted.end())).isFalse();
  }

  @Test
  void twoPromotionsToTheSameTimelineIdLookAlikeToPostgresButNotInContent() {
    WalHistory first = primary.prefix(1_300).branch(2, 2).append(400);
    WalHistory second = primary.branch(2, 3).append(50);

    assertThat(second.servesStandbyAt(first.timeline(), first.end())).as("same timeline id").isTrue();
    assertThat(first.commonPrefix(second)).isEqualTo(1_300);
  }

  @Test
  void switchesListTheAncestryOfTheCurrentTimeline() {
    WalHistory h = primary.branch(2, 2).append(10).branch(2, 3).append(10).branch(3, 4);

    assertThat(h.switches()).hasSize(2);
    assertThat(h.switches().get(0)).containsExactly(1, 1_500);
    assertThat(h.switches().get(1)).containsExactly(2, 1_520);
  }
}
