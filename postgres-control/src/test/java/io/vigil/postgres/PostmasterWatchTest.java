package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The postmaster watch on a real PostgreSQL 15: it costs nothing while the postmaster we started runs (no thread
 * of its own, nothing re-created when the HA loop arms it every cycle), polls only a postmaster it found running,
 * and fires once, promptly, when the postmaster is killed.
 */
class PostmasterWatchTest {

  private static final Credentials SU = new Credentials("postgres", "su-pw");
  private static final Credentials REPL = new Credentials("replicator", "re-pw");

  private Path base;
  private LocalPostgres pg;

  @BeforeEach
  void setUp() throws Exception {
    base = TestPg.baseDir("vigil-watch-");
    pg = new LocalPostgres(TestPg.settings(base, "w", TestPg.freePort(), SU, REPL));
    pg.initdb(List.of("--encoding=UTF8", "--locale=C.UTF-8"));
    pg.writeHba(List.of("local all all trust", "host all all 127.0.0.1/32 trust"));
    pg.writeConfig(Map.of("listen_addresses", "127.0.0.1", "port", Integer.toString(pg.settings().port()),
        "unix_socket_directories", base.toString(), "fsync", "off"), Optional.empty());
    pg.start();
  }

  @AfterEach
  void tearDown() throws IOException {
    pg.stopWatchingPostmaster();
    try {
      pg.stop(StopMode.IMMEDIATE, Duration.ofSeconds(10));
    } catch (PostgresException e) {
      System.err.println("cleanup: " + e.getMessage());
    }
    TestPg.deleteTree(base);
  }

  @Test
  void thePostmasterWeStartedIsWatchedWithoutAThreadAndFiresOnceWhenKilled() throws Exception {
    AtomicInteger fired = new AtomicInteger();
    CountDownLatch exited = new CountDownLatch(1);
    for (int cycle = 0; cycle < 5; cycle++) { // the HA loop arms the watch on every cycle
      pg.watchPostmaster(() -> {
        fired.incrementAndGet();
        exited.countDown();
      });
    }
    assertThat(watchThreads()).as("no polling thread for our own child").isZero();

    long killedAt = System.nanoTime();
    Postmaster.signal(pg.postmasterPid().orElseThrow(), "KILL");
    assertThat(exited.await(2, TimeUnit.SECONDS)).as("the watch fired").isTrue();
    long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    System.out.println("watch of our child fired " + latencyMs + " ms after kill -9");
    assertThat(latencyMs).isLessThan(500);
    Thread.sleep(300); // a second firing would come from a second watch
    assertThat(fired).hasValue(1);
  }

  @Test
  void aPostmasterFoundRunningIsPolledByOneThreadThatOutlivesTheCycles() throws Exception {
    // another agent object for the same data directory: the agent restarted while PostgreSQL kept running
    LocalPostgres adopted = new LocalPostgres(pg.settings());
    AtomicInteger fired = new AtomicInteger();
    CountDownLatch exited = new CountDownLatch(1);
    try {
      for (int cycle = 0; cycle < 5; cycle++) {
        adopted.watchPostmaster(() -> {
          fired.incrementAndGet();
          exited.countDown();
        });
      }
      assertThat(watchThreads()).as("one poller, not one per cycle").isEqualTo(1);

      Postmaster.signal(pg.postmasterPid().orElseThrow(), "KILL");
      assertThat(exited.await(2, TimeUnit.SECONDS)).as("the watch fired").isTrue();
      Thread.sleep(300);
      assertThat(fired).hasValue(1);
    } finally {
      adopted.stopWatchingPostmaster();
    }
  }

  @Test
  void reArmingAfterARestartWatchesTheNewPostmaster() throws Exception {
    CountDownLatch first = new CountDownLatch(1);
    pg.watchPostmaster(first::countDown);
    pg.stop(StopMode.FAST, Duration.ofSeconds(20));
    assertThat(first.await(2, TimeUnit.SECONDS)).as("a clean stop is an exit too").isTrue();

    pg.start();
    CountDownLatch second = new CountDownLatch(1);
    pg.watchPostmaster(second::countDown);
    assertThat(second.getCount()).as("the new postmaster runs").isEqualTo(1);
    Postmaster.signal(pg.postmasterPid().orElseThrow(), "KILL");
    assertThat(second.await(2, TimeUnit.SECONDS)).isTrue();
  }

  private static long watchThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("vigil-postmaster-watch") && t.isAlive())
        .count();
  }
}
