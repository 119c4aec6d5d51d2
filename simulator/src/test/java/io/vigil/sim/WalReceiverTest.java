package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When a standby's walreceiver streams, and when it tries again after losing its upstream. */
class WalReceiverTest {

  private final WalReceiver receiver = new WalReceiver();

  @Test
  void aStreamLostLongAfterTheStartIsRetriedAtOnceTheNextOneAfterTheRetryInterval() {
    receiver.start(0);
    receiver.connected(7);
    receiver.failed(60_000);

    assertThat(receiver.due(60_000)).isTrue();
    receiver.failed(60_000);
    assertThat(receiver.due(64_999)).isFalse();
    assertThat(receiver.due(65_000)).isTrue();
  }

  @Test
  void aReplicaRePointedToANodeThatIsThenPromotedWaitsForTheRetryInterval() {
    receiver.start(0);
    receiver.failed(10_000); // the old upstream stopped
    receiver.failed(10_000); // and refused the next attempt
    receiver.reload(10_500); // re-pointed to the new leader, still a standby
    assertThat(receiver.due(10_500)).isTrue();
    receiver.connected(3);
    assertThat(receiver.streamsFrom(3)).isTrue();

    receiver.failed(11_200); // its promotion ends the cascading walsenders

    assertThat(receiver.streamsFrom(4)).isFalse();
    assertThat(receiver.due(15_499)).as("nothing of the new timeline yet").isFalse();
    assertThat(receiver.due(15_500)).isTrue();
  }
}
