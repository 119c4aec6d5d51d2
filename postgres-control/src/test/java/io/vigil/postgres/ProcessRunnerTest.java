package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

  @Test
  void capturesOutputAndExitCode() throws Exception {
    ProcessRunner.Result r = ProcessRunner.run(List.of("sh", "-c", "echo out; echo line1 >&2; echo line2 >&2; exit 3"),
        Map.of(), Duration.ofSeconds(10));
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.failure()).isEqualTo("sh -c echo out; echo line1 >&2; echo line2 >&2; exit 3 exited with code 3: line1 | line2");
  }

  @Test
  void agentVariablesAreRemovedFromChildEnvironments() {
    Map<String, String> env = new HashMap<>(Map.of("PATRONI_POSTGRESQL_PASSWORD", "x", "VIGIL_SECRET", "y",
        "KUBERNETES_SERVICE_HOST", "k", "PGDATA", "/d", "LANG", "C"));
    ProcessRunner.removeAgentVariables(env);
    assertThat(env).containsOnlyKeys("PGDATA", "LANG");
  }

  @Test
  void timeoutKillsTheWholeTree(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("pid");
    long start = System.nanoTime();
    assertThatThrownBy(() -> ProcessRunner.run(
        List.of("sh", "-c", "sleep 60 & echo $! > " + pidFile + "; wait"), Map.of(), Duration.ofMillis(500)))
        .isInstanceOf(PostgresException.class)
        .hasMessageContaining("did not finish within");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    long sleepPid = Long.parseLong(Files.readString(pidFile).strip());
    await().atMost(Duration.ofSeconds(5)).until(() -> !Postmaster.isAlive(sleepPid));
  }

  @Test
  void readsWhatWasAppendedSinceAnOffset(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("log");
    Files.writeString(log, "old line\n");
    long offset = Files.size(log);
    Files.writeString(log, "new line\n", java.nio.file.StandardOpenOption.APPEND);
    assertThat(ProcessRunner.readFrom(log, offset)).isEqualTo("new line\n");
    Files.writeString(log, "rotated\n");
    assertThat(ProcessRunner.readFrom(log, 100)).isEqualTo("rotated\n");
    assertThat(ProcessRunner.readFrom(dir.resolve("missing"), 0)).isEmpty();
  }

  @Test
  void describesWrappedCommandsByTheRealProgram() {
    assertThat(ProcessRunner.describe(List.of("/usr/sbin/runuser", "-u", "postgres", "--", "/bin/pg_ctl", "reload")))
        .isEqualTo("/bin/pg_ctl reload");
  }
}
