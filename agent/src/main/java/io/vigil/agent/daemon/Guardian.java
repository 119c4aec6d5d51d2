package io.vigil.agent.daemon;

import io.vigil.agent.ha.Guards;
import io.vigil.config.WatchdogConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O shell of {@link io.vigil.agent.ha.Fencing}: runs the {@code vigil-fence} helper (which also holds the
 * watchdog device, so there is one native piece and no JNA), restarts it with back-off when it dies, and reports
 * what it found as {@link Guards} for the next decision. Arming, feeding and disarming happen only when a decision
 * asks for them.
 */
final class Guardian {

  private static final Logger LOG = LoggerFactory.getLogger(Guardian.class);
  private static final long MAX_BACKOFF_MS = 30_000;

  private final Path dataDir;
  private final Optional<Path> binary;
  private final Clock clock;
  private WatchdogConfig config;
  private FenceProcess helper;
  private final List<ProcessHandle> staleHelpers = new java.util.ArrayList<>();
  private Optional<String> helperProblem = Optional.empty();
  private long nextStartAt;
  /** Wait before the next start: none after a first failure, then 1 s doubling to 30 s; reset by a good feed. */
  private long backoffMs;
  private boolean fenceArmed;
  /** What the last keep asked for, so that {@link #refresh} can repeat it. */
  private int lastTimeoutSeconds;
  private boolean lastWatchdog;
  private boolean lastFence;
  private boolean watchdogActive;
  private Optional<String> activationProblem = Optional.empty();
  private Optional<String> reportedWatchdogProblem = Optional.empty();

  Guardian(WatchdogConfig config, Path dataDir, Optional<Path> binary, Clock clock) {
    this.config = config;
    this.dataDir = dataDir;
    this.binary = binary;
    this.clock = clock;
  }

  /** Where the helper is: {@code -Dvigil.fence.binary}, {@code $VIGIL_FENCE}, else next to the agent's jar or classes. */
  static Optional<Path> locateBinary() {
    String configured = System.getProperty("vigil.fence.binary", System.getenv("VIGIL_FENCE"));
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    try {
      Path code = Path.of(Guardian.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // target/vigil.jar -> target/vigil-fence; target/classes -> target/vigil-fence
      return Optional.of(code.resolveSibling("vigil-fence"));
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private boolean needed() {
    return config.fence() || !WatchdogConfig.OFF.equals(config.mode());
  }

  /**
   * The state the next decision reads. Starts the helper when it is needed and not running, at most as often as
   * the back-off allows; a helper from an earlier agent on this data directory is ended first (its deadline was
   * that agent's, and this agent arms its own once it confirms the lock).
   */
  synchronized Guards observe() {
    if (needed() && (helper == null || !helper.alive())) {
      if (helper != null) {
        helperProblem = Optional.of(helper.exitDescription());
        LOG.error("{}: restarting it{}; this node will not promote until it runs", helperProblem.get(),
            backoffMs == 0 ? "" : " in " + backoffMs + " ms");
        fenceArmed = false;
        watchdogActive = false;
        helper = null;
        failedStart();
      }
      if (clock.monotonicMillis() >= nextStartAt) {
        startHelper();
      }
    } else if (!needed() && helper != null) {
      helper.exit();
      helper = null;
      fenceArmed = false;
      watchdogActive = false;
    }
    Optional<String> watchdogProblem = watchdogProblem();
    if (!watchdogProblem.equals(reportedWatchdogProblem)) {
      reportedWatchdogProblem = watchdogProblem;
      watchdogProblem.ifPresent(p -> LOG.warn("watchdog: {} ({})", p, WatchdogConfig.REQUIRED.equals(config.mode())
          ? "watchdog.mode is required: this node will not become the leader"
          : "watchdog.mode is automatic: running without a watchdog"));
    }
    return new Guards(config.mode(), config.safetyMargin(), watchdogProblem, config.fence(),
        config.fence() ? helperProblem : Optional.empty(), fenceArmed || watchdogActive);
  }

  private void startHelper() {
    if (binary.isEmpty() || !Files.isExecutable(binary.get())) {
      helperProblem = Optional.of("the fence program " + binary.map(Path::toString).orElse("vigil-fence")
          + " is missing or not executable (build it with mvn package, or set VIGIL_FENCE)");
      LOG.error("{}", helperProblem.get());
      nextStartAt = clock.monotonicMillis() + MAX_BACKOFF_MS;
      return;
    }
    findStaleHelpers();
    try {
      helper = FenceProcess.start(binary.get(), dataDir, watchdogArgs());
      helperProblem = Optional.empty();
      LOG.info("fence process started (pid {}) for {}", helper.pid(), dataDir);
    } catch (IOException e) {
      helperProblem = Optional.of("the fence process could not start: " + e.getMessage());
      LOG.error("{}; trying again in {} ms", helperProblem.get(), Math.max(backoffMs, 1_000));
      failedStart();
      nextStartAt = Math.max(nextStartAt, clock.monotonicMillis() + 1_000);
    }
  }

  private void failedStart() {
    nextStartAt = clock.monotonicMillis() + backoffMs;
    backoffMs = backoffMs == 0 ? 1_000 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
  }

  private List<String> watchdogArgs() {
    if (WatchdogConfig.OFF.equals(config.mode())) {
      return List.of();
    }
    return List.of("--watchdog", config.device(), "--watchdog-driver", config.driver());
  }

  /**
   * Helpers left by an agent that was killed, still waiting for that agent's deadline. They are left running until
   * this agent has armed its own fence: ended earlier, a freeze of this agent in between would leave a primary with
   * nothing to stop it. If this agent never arms one (PostgreSQL is not a primary here), they fire at their deadline,
   * find nothing to stop, and exit.
   */
  private void findStaleHelpers() {
    String me = binary.get().getFileName().toString();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/" + me)).orElse(false))
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(dataDir.toString())).orElse(false))
        .filter(p -> staleHelpers.stream().noneMatch(h -> h.pid() == p.pid()))
        .forEach(p -> {
          LOG.info("a fence process left by an earlier agent (pid {}) keeps its deadline on {} until this agent "
              + "arms its own", p.pid(), dataDir);
          staleHelpers.add(p);
        });
  }

  /** This agent's fence is armed: the ones left by earlier agents are no longer needed. */
  private void endStaleHelpers() {
    for (ProcessHandle p : staleHelpers) {
      if (p.isAlive()) {
        LOG.info("ending the fence process {} left by an earlier agent: this agent's own is armed", p.pid());
        p.destroy();
      }
    }
    staleHelpers.clear();
  }

  private Optional<String> watchdogProblem() {
    if (WatchdogConfig.OFF.equals(config.mode())) {
      return Optional.empty();
    }
    Path device = Path.of(config.device());
    if (!Files.exists(device)) {
      return Optional.of("device " + device + " does not exist");
    }
    if (!Files.isWritable(device)) {
      return Optional.of("device " + device + " is not writable by user " + System.getProperty("user.name"));
    }
    if (helper == null || !helper.alive()) {
      return Optional.of("the fence process, which holds the device, is not running"
          + helperProblem.map(p -> ": " + p).orElse(""));
    }
    return activationProblem;
  }

  /**
   * Arms the fence (when asked) with a deadline {@code timeoutSeconds} after {@code confirmedAtMillis} on the
   * monotonic clock (the start of the read that found the lock ours), and activates or keeps the watchdog alive.
   */
  synchronized void keep(long confirmedAtMillis, int timeoutSeconds, boolean watchdog, boolean fence)
      throws GuardException {
    lastTimeoutSeconds = timeoutSeconds;
    lastWatchdog = watchdog;
    lastFence = fence;
    if (helper == null || !helper.alive()) {
      throw new GuardException(helperProblem.orElse("the fence process is not running"));
    }
    try {
      if (watchdog && !watchdogActive) {
        activateWatchdog(timeoutSeconds);
      }
      if (fence) {
        long deadlineNanos = confirmedAtMillis * 1_000_000L + timeoutSeconds * 1_000_000_000L;
        String answer = helper.send("arm " + deadlineNanos);
        if (!answer.startsWith("ok")) {
          throw new GuardException("the fence refused to arm: " + answer);
        }
        if (!fenceArmed) {
          LOG.info("fence armed: PostgreSQL is stopped {} s after the last confirmation of the leader lock unless "
              + "the next one comes first", timeoutSeconds);
        }
        fenceArmed = true;
      } else if (watchdogActive) {
        helper.send("keepalive");
      }
      backoffMs = 0;
      if (!staleHelpers.isEmpty()) {
        endStaleHelpers();
      }
    } catch (IOException e) {
      helperProblem = Optional.of(e.getMessage());
      helper.kill();
      throw new GuardException(e.getMessage());
    }
  }

  private void activateWatchdog(int timeoutSeconds) throws IOException, GuardException {
    String answer = helper.send("wd-open " + timeoutSeconds);
    if (answer.startsWith("ok")) {
      int effective = Integer.parseInt(answer.substring(2).strip());
      if (effective != timeoutSeconds && WatchdogConfig.REQUIRED.equals(config.mode())) {
        helper.send("disarm");
        activationProblem = Optional.of("the device set a timeout of " + effective + " s instead of "
            + timeoutSeconds + " s");
        throw new GuardException("watchdog: " + activationProblem.get());
      }
      if (effective != timeoutSeconds) {
        LOG.warn("watchdog: the device set a timeout of {} s instead of {} s", effective, timeoutSeconds);
      }
      watchdogActive = true;
      activationProblem = Optional.empty();
      LOG.info("watchdog {} activated with a timeout of {} s", config.device(), effective);
      return;
    }
    activationProblem = Optional.of(answer.substring(Math.min(answer.length(), 4)));
    if (WatchdogConfig.REQUIRED.equals(config.mode())) {
      throw new GuardException("watchdog could not be activated: " + activationProblem.get());
    }
  }

  /**
   * A read that started at {@code confirmedAtMillis} found the lock still ours while a long action runs: feed again as
   * the last keep did. Does nothing once disarmed, so it can never re-arm what a decision disarmed meanwhile.
   */
  synchronized void refresh(long confirmedAtMillis) {
    if (!fenceArmed && !watchdogActive) {
      return;
    }
    try {
      keep(confirmedAtMillis, lastTimeoutSeconds, lastWatchdog, lastFence);
    } catch (GuardException e) {
      LOG.error("could not feed the fence or the watchdog: {}", e.getMessage());
    }
  }

  /** Nothing stops PostgreSQL at a deadline any more; the watchdog gets the magic close. */
  synchronized void disarm() {
    if (helper == null || !helper.alive() || (!fenceArmed && !watchdogActive)) {
      fenceArmed = false;
      watchdogActive = false;
      return;
    }
    try {
      helper.send("disarm");
      LOG.info("fence disarmed{}", watchdogActive ? ", watchdog closed" : "");
    } catch (IOException e) {
      LOG.warn("could not disarm the fence: {}; ending it", e.getMessage());
      helper.kill();
    }
    fenceArmed = false;
    watchdogActive = false;
  }

  /** A reload may turn the fence or the watchdog on or off; the next observation applies it. */
  synchronized void reconfigure(WatchdogConfig next) {
    if (!next.equals(config)) {
      disarm();
      if (helper != null) {
        helper.exit();
        helper = null;
      }
      activationProblem = Optional.empty();
      nextStartAt = 0;
    }
    config = next;
  }

  /** The agent exits cleanly: disarm and end the helper. */
  synchronized void close() {
    if (helper != null) {
      helper.exit();
      helper = null;
    }
    fenceArmed = false;
    watchdogActive = false;
  }

  /** Pids for tests and logs. */
  synchronized Optional<Long> helperPid() {
    return helper == null ? Optional.empty() : Optional.of(helper.pid());
  }

  /** A guard could not be armed or activated: the promotion that needed it must not happen. */
  static final class GuardException extends Exception {
    GuardException(String message) {
      super(message);
    }
  }
}
