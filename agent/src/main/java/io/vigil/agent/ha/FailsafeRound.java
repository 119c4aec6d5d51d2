package io.vigil.agent.ha;

import java.util.Optional;

/**
 * The outcome of one failsafe confirmation round (wire spec 3.14): the primary could not read ZooKeeper, failsafe
 * mode is on, and the shell POSTed {@code /failsafe} to every other member named in the last {@code /failsafe} it
 * read. Gathered by the shell (I/O) and handed to the core as an input of the {@link Observation}.
 *
 * @param accepted           every other member answered 200 {@code Accepted} (none to ask: a one-member topology)
 * @param whyNot             when not accepted, which member refused or did not answer, or why there was no round
 * @param startedAtMonotonic when the round began on the shell's monotonic clock: the members that accepted do not race
 *                           for ttl after they answered, so the guards' deadline counts from here, as from the start
 *                           of a ZooKeeper read that confirmed the lock
 */
public record FailsafeRound(boolean accepted, Optional<String> whyNot, long startedAtMonotonic) {

  /** How long one member has to answer one POST (Patroni's 2 s). */
  public static final int ANSWER_TIMEOUT_MS = 2_000;

  public static FailsafeRound accepted(long startedAtMonotonic) {
    return new FailsafeRound(true, Optional.empty(), startedAtMonotonic);
  }

  public static FailsafeRound refused(String why, long startedAtMonotonic) {
    return new FailsafeRound(false, Optional.of(why), startedAtMonotonic);
  }
}
