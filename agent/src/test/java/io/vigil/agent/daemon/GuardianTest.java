package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.agent.ha.Guards;
import io.vigil.config.WatchdogConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fence helper and the watchdog driver, for real: the compiled vigil-fence, a stand-in postmaster (a copy of
 * sleep named postgres, so /proc says "postgres"), a file as a fake watchdog device. No kernel watchdog is armed: the
 * ioctl path runs against a regular file and must fail cleanly.
 */
class GuardianTest {

  @TempDir Path dir;
  private Path dataDir;
  private Process postmaster;
  private Guardian guardian;

  @BeforeEach
  void fakePostmaster() throws IOException {
    dataDir = Files.createDirectories(dir.resolve("data"));
    Path postgres = dir.resolve("postgres");
    Files.copy(Path.of("/bin/sleep"), postgres, StandardCopyOption.COPY_ATTRIBUTES);
    postmaster = new ProcessBuilder(postgres.toString(), "600").start();
    Files.writeString(dataDir.resolve("postmaster.pid"), postmaster.pid() + "\n" + dataDir + "\n");
  }

  @AfterEach
  void cleanUp() {
    if (guardian != null) {
      guardian.close();
    }
    postmaster.destroyForcibly();
  }

  private Guardian guardian(WatchdogConfig config) {
    guardian = new Guardian(config, dataDir, Guardian.locateBinary(), Clock.SYSTEM);
    return guardian;
  }

  private static WatchdogConfig fenceOnly() {
    return WatchdogConfig.defaults().withMode(WatchdogConfig.OFF);
  }

  private static long nowMillis() {
    return System.nanoTime() / 1_000_000;
  }

  @Test
  void theFenceStopsAPrimaryWhoseAgentStoppedConfirmingTheLock() throws Exception {
    Guardian g = guardian(fenceOnly());
    assertThat(g.observe()).isEqualTo(new Guards("off", 5, Optional.empty(), true, Optional.empty(), false));
    long confirmed = nowMillis();
    g.keep(confirmed, 1, false, true);
    assertThat(g.observe().armed()).isTrue();
    Thread.sleep(Math.max(0, confirmed + 700 - nowMillis()));
    assertThat(postmaster.isAlive()).as("not before the deadline").isTrue();
    assertThat(postmaster.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)).as("stopped after it").isTrue();
    assertThat(nowMillis() - confirmed).isGreaterThanOrEqualTo(1_000);
    assertThat(Files.exists(dataDir.resolve("postmaster.pid"))).as("the data directory is left as it is").isTrue();
  }

  @Test
  void feedingMovesTheDeadlineAndDisarmingOrAStandbyNeverFires() throws Exception {
    Guardian g = guardian(fenceOnly());
    g.observe();
    for (int i = 0; i < 4; i++) {
      g.keep(nowMillis(), 1, false, true);
      Thread.sleep(400);
    }
    assertThat(postmaster.isAlive()).as("fed every 400 ms with a 1 s deadline").isTrue();
    g.disarm();
    assertThat(g.observe().armed()).isFalse();
    Thread.sleep(1_300);
    assertThat(postmaster.isAlive()).as("disarmed").isTrue();

    Files.writeString(dataDir.resolve("standby.signal"), "");
    g.keep(nowMillis(), 1, false, true);
    Thread.sleep(1_500);
    assertThat(postmaster.isAlive()).as("a standby takes no writes: nothing to stop").isTrue();
  }

  @Test
  void theFenceOutlivesItsAgentAndStillFiresAtTheDeadline() throws Exception {
    Process fence = new ProcessBuilder(Guardian.locateBinary().orElseThrow().toString(), "--datadir", dataDir.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long deadline = System.nanoTime() + 800_000_000L;
    try (OutputStream in = fence.getOutputStream()) {
      in.write(("arm " + deadline + "\n").getBytes(StandardCharsets.US_ASCII));
    } // the agent is gone: its end of the pipe is closed
    assertThat(postmaster.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(System.nanoTime()).isGreaterThanOrEqualTo(deadline);
    assertThat(fence.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)).as("then it exits").isTrue();
  }

  @Test
  void aCleanExitDisarmsAndEndsTheFence() throws Exception {
    Guardian g = guardian(fenceOnly());
    g.observe();
    g.keep(nowMillis(), 1, false, true);
    long pid = g.helperPid().orElseThrow();
    g.close();
    await().atMost(Duration.ofSeconds(2)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    Thread.sleep(1_300);
    assertThat(postmaster.isAlive()).isTrue();
  }

  @Test
  void aDeadFenceIsReportedAndRestarted() throws Exception {
    Guardian g = guardian(fenceOnly());
    g.observe();
    g.keep(nowMillis(), 5, false, true);
    long first = g.helperPid().orElseThrow();
    ProcessHandle.of(first).orElseThrow().destroyForcibly();
    await().atMost(Duration.ofSeconds(2)).until(() -> !ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false));
    assertThatThrownBy(() -> g.keep(nowMillis(), 5, false, true)).isInstanceOf(Guardian.GuardException.class);
    Guards after = g.observe();
    assertThat(after.armed()).isFalse();
    long second = g.helperPid().orElseThrow();
    assertThat(second).as("restarted at once the first time").isNotEqualTo(first);
    assertThat(after.fenceProblem()).isEmpty();

    ProcessHandle.of(second).orElseThrow().destroyForcibly();
    await().atMost(Duration.ofSeconds(2)).until(() -> !ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false));
    Guards dead = g.observe();
    assertThat(dead.fenceProblem()).as("dying again: restarted after a back-off, and reported meanwhile")
        .hasValueSatisfying(p -> assertThat(p).contains("exited with status"));
    assertThat(g.helperPid()).isEmpty();
    await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
        .until(() -> g.observe().fenceProblem().isEmpty());
    g.keep(nowMillis(), 5, false, true);
  }

  @Test
  void aMissingFenceProgramKeepsTheNodeFromLeading() {
    guardian = new Guardian(fenceOnly(), dataDir, Optional.of(dir.resolve("no-such-fence")), Clock.SYSTEM);
    assertThat(guardian.observe().fenceProblem()).hasValueSatisfying(p -> assertThat(p).contains("no-such-fence")
        .contains("missing or not executable"));
  }

  @Test
  void theTestingDriverTurnsTheIoctlsIntoWritesOnAFakeDevice() throws Exception {
    Path device = Files.writeString(dir.resolve("watchdog"), "");
    Guardian g = guardian(new WatchdogConfig("required", device.toString(), 5, "testing", false));
    assertThat(g.observe().watchdogProblem()).isEmpty();
    g.keep(nowMillis(), 25, true, false);
    g.keep(nowMillis(), 25, true, false);
    assertThat(g.observe().armed()).isTrue();
    g.disarm();
    assertThat(Files.readString(device)).as("timeout, a keepalive per feed, the magic close")
        .isEqualTo("Ctimeout=25\n11V");
    assertThat(postmaster.isAlive()).as("the watchdog alone never stops PostgreSQL").isTrue();
  }

  @Test
  void theRealIoctlOnSomethingThatIsNotAWatchdogFailsCleanly() throws Exception {
    Path notADevice = Files.writeString(dir.resolve("not-a-watchdog"), "");
    Guardian automatic = guardian(new WatchdogConfig("automatic", notADevice.toString(), 5, "default", true));
    automatic.observe();
    automatic.keep(nowMillis(), 25, true, true);
    Guards g = automatic.observe();
    assertThat(g.watchdogProblem()).hasValueSatisfying(p -> assertThat(p).contains("setting the timeout failed")
        .contains("Inappropriate ioctl for device"));
    assertThat(g.armed()).as("automatic: the fence is armed anyway").isTrue();
    assertThat(Files.readString(notADevice)).as("closed with the magic character, nothing else written").isEqualTo("V");
    automatic.close();

    Guardian required = guardian(new WatchdogConfig("required", notADevice.toString(), 5, "default", false));
    required.observe();
    assertThatThrownBy(() -> required.keep(nowMillis(), 25, true, false))
        .isInstanceOf(Guardian.GuardException.class).hasMessageContaining("watchdog could not be activated");
  }

  @Test
  void aMissingDeviceIsAProblemOnlyWhenTheWatchdogIsNotOff() {
    String missing = dir.resolve("missing").toString();
    assertThat(guardian(new WatchdogConfig("automatic", missing, 5, "default", false)).observe().watchdogProblem())
        .hasValue("device " + missing + " does not exist");
    guardian.close();
    assertThat(guardian(new WatchdogConfig("off", missing, 5, "default", false)).observe().watchdogProblem()).isEmpty();
    assertThat(guardian.helperPid()).as("neither fence nor watchdog: no helper").isEmpty();
  }

  @Test
  void aHelperLeftByAKilledAgentKeepsItsDeadlineUntilTheNextAgentArmsItsOwn() throws Exception {
    Process stale = new ProcessBuilder(Guardian.locateBinary().orElseThrow().toString(), "--datadir", dataDir.toString())
        .start();
    stale.getOutputStream().write(("arm " + (System.nanoTime() + 60_000_000_000L) + "\n").getBytes());
    stale.getOutputStream().flush();
    Guardian g = guardian(fenceOnly());
    g.observe();
    assertThat(g.helperPid()).isPresent();
    Thread.sleep(500);
    assertThat(stale.isAlive()).as("a freeze of the new agent now must not leave the primary unfenced").isTrue();
    g.keep(nowMillis(), 5, false, true);
    assertThat(stale.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)).as("ended once this agent is armed").isTrue();
    assertThat(postmaster.isAlive()).as("ending a stale fence never fires it").isTrue();
  }
}
