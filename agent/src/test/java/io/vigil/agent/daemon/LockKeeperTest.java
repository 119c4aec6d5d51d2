package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.config.WatchdogConfig;
import io.vigil.dcs.DcsHealth;
import io.vigil.dcs.ZooKeeperDcs;
import io.vigil.dcs.ZooKeeperDcsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ZooKeeper, the real fence helper and a stand-in postmaster: while one action keeps the agent busy past the
 * fence's deadline, the keeper confirms the lock and feeds the fence; without the lock, or once idle, it does not.
 */
class LockKeeperTest {

  @TempDir Path dir;

  private static long nowMillis() {
    return System.nanoTime() / 1_000_000;
  }

  @Test
  void feedsTheFenceDuringALongActionOnlyWhileTheLockIsOurs() throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("data"));
    Path postgres = Files.copy(Path.of("/bin/sleep"), dir.resolve("postgres"), StandardCopyOption.COPY_ATTRIBUTES);
    Process postmaster = new ProcessBuilder(postgres.toString(), "600").start();
    Files.writeString(dataDir.resolve("postmaster.pid"), postmaster.pid() + "\n");
    try (TestingServer zk = new TestingServer(true);
        ZooKeeperDcs dcs = ZooKeeperDcs.connect(new ZooKeeperDcsSettings(zk.getConnectString(), "/service/keeper",
            "n1", 10, 1, 3))) {
      await().atMost(Duration.ofSeconds(20)).until(() -> dcs.health() == DcsHealth.CONNECTED);
      assertThat(dcs.attemptLeader()).isTrue();
      Guardian guardian = new Guardian(WatchdogConfig.defaults().withMode(WatchdogConfig.OFF), dataDir,
          Guardian.locateBinary(), Clock.SYSTEM);
      LockKeeper keeper = new LockKeeper(dcs, guardian, "n1", Clock.SYSTEM);
      try {
        guardian.observe();
        guardian.keep(nowMillis(), 2, false, true);
        keeper.begin(1);
        Thread.sleep(4_500);
        assertThat(postmaster.isAlive()).as("fed every loop_wait (1 s) past a 2 s deadline").isTrue();

        dcs.releaseLeader(OptionalLong.empty());
        assertThat(postmaster.waitFor(5, TimeUnit.SECONDS)).as("no lock, no feeding: the fence fires").isTrue();
        keeper.end();
      } finally {
        keeper.close();
        guardian.close();
        postmaster.destroyForcibly();
      }
    }
  }
}
