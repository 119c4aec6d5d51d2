package io.vigil.agent.ha;

import java.util.Optional;

/**
 * What can stop this node's PostgreSQL when its agent freezes, as the I/O shell found it: the kernel watchdog
 * (Patroni's {@code watchdog} section) and Vigil's fence process ({@code vigil.fence}). Both are armed before a
 * promotion, fed right after each cycle that confirmed the leader lock, and disarmed whenever this node stops
 * being a writable primary on purpose; {@link Fencing} decides which.
 *
 * @param watchdogMode    {@code off}, {@code automatic} or {@code required}
 * @param safetyMargin    seconds before the lock's expiry at which the deadline falls; -1 means ttl / 2
 * @param watchdogProblem why the watchdog device cannot be used (missing, not writable, activation failed)
 * @param fenceOn         {@code vigil.fence} is on
 * @param fenceProblem    why the fence process is not running (failed to start, died), while it is on
 * @param armed           the fence is armed or the watchdog is active: something will stop PostgreSQL at a deadline
 */
public record Guards(String watchdogMode, int safetyMargin, Optional<String> watchdogProblem, boolean fenceOn,
    Optional<String> fenceProblem, boolean armed) {

  public static final String OFF = "off";
  public static final String AUTOMATIC = "automatic";
  public static final String REQUIRED = "required";

  /** No watchdog, no fence: a node as Vigil ran before either existed. */
  public static final Guards NONE = new Guards(OFF, 5, Optional.empty(), false, Optional.empty(), false);

  public Guards withArmed(boolean a) {
    return new Guards(watchdogMode, safetyMargin, watchdogProblem, fenceOn, fenceProblem, a);
  }
}
