package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbacksTest {

  @TempDir
  Path dir;

  @Test
  void splitsTheCommandAsPythonsShlexDoes() {
    assertThat(Callbacks.split("/usr/local/bin/vip.sh  --dev eth0")).containsExactly("/usr/local/bin/vip.sh", "--dev", "eth0");
    assertThat(Callbacks.split("sh -c 'echo \"$1\" >> /tmp/x' cb")).containsExactly("sh", "-c", "echo \"$1\" >> /tmp/x", "cb");
    assertThat(Callbacks.split("a\\ b \"c \\\"d\\\" \\x\" ''")).containsExactly("a b", "c \"d\" \\x", "");
    assertThatThrownBy(() -> Callbacks.split("echo 'open")).hasMessage("no closing quotation");
    assertThatThrownBy(() -> Callbacks.split("   ")).hasMessage("empty command");
  }

  @Test
  void runsTheCommandWithEventRoleAndScope() throws IOException {
    Path log = dir.resolve("calls.log");
    Map<String, String> commands = Map.of("on_role_change", script("echo \"$@\" >> " + log), "on_reload", "/bin/true");
    Callbacks callbacks = new Callbacks("demo");
    callbacks.fire(commands, "on_role_change", "master");
    callbacks.fire(commands, "on_start", "replica"); // not configured: nothing runs
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log) && Files.readString(log).endsWith("\n"));
    assertThat(Files.readAllLines(log)).containsExactly("x on_role_change master demo");
  }

  @Test
  void aNewCallbackKillsThePreviousOneAndItsChildrenButNotARunningReload() throws Exception {
    Path pids = dir.resolve("pids");
    String slow = script("sleep 60 & echo $! >> " + pids + "; wait");
    Map<String, String> commands = Map.of("on_start", slow, "on_reload", slow, "on_stop", "/bin/true");
    Callbacks callbacks = new Callbacks("demo");
    callbacks.fire(commands, "on_reload", "replica");
    callbacks.fire(commands, "on_start", "replica");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 2);
    List<Long> sleepers = Files.readAllLines(pids).stream().map(Long::parseLong).toList();

    callbacks.fire(commands, "on_stop", "replica");
    await().atMost(Duration.ofSeconds(10)).until(() -> sleepers.stream().filter(CallbacksTest::alive).count() == 1);
    callbacks.fire(Map.of("on_reload", "/bin/true"), "on_reload", "replica");
    await().atMost(Duration.ofSeconds(10)).until(() -> sleepers.stream().noneMatch(CallbacksTest::alive));
  }

  @Test
  void prePromoteAllowsOnlyOnExitZeroWithinItsLimit() throws Exception {
    Callbacks callbacks = new Callbacks("demo");
    Duration limit = Duration.ofSeconds(10);
    assertThat(callbacks.prePromoteAllows(Optional.empty(), limit)).as("not configured").isTrue();
    assertThat(callbacks.prePromoteAllows(Optional.of("/bin/true"), limit)).isTrue();
    assertThat(callbacks.prePromoteAllows(Optional.of("/bin/false"), limit)).isFalse();
    assertThat(callbacks.prePromoteAllows(Optional.of("'unclosed"), limit)).isFalse();
    Path pids = dir.resolve("hung");
    String hung = script("sleep 60 & echo $! >> " + pids + "; wait");
    assertThat(callbacks.prePromoteAllows(Optional.of(hung), Duration.ofMillis(500))).isFalse();
    long sleeper = Long.parseLong(Files.readAllLines(pids).get(0));
    await().atMost(Duration.ofSeconds(10)).until(() -> !alive(sleeper));
  }

  @Test
  void beforeStopIsWaitedForWithoutArgumentsAndAHungOneIsKilledAtItsLimit() throws Exception {
    Callbacks callbacks = new Callbacks("demo");
    Path ran = dir.resolve("ran");
    callbacks.beforeStop(Optional.of(script("echo \"$#\" > " + ran) + " y"), Duration.ofSeconds(10));
    assertThat(ran).as("run to its end before beforeStop returns").content().isEqualTo("2\n");
    callbacks.beforeStop(Optional.of("'unclosed"), Duration.ofSeconds(10)); // logged, not thrown: the stop goes on

    Path pids = dir.resolve("hung");
    String hung = script("sleep 60 & echo $! >> " + pids + "; wait");
    long started = System.nanoTime();
    callbacks.beforeStop(Optional.of(hung), Duration.ofMillis(500));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    long sleeper = Long.parseLong(Files.readAllLines(pids).get(0));
    await().atMost(Duration.ofSeconds(10)).until(() -> !alive(sleeper));
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** A shell script whose first argument is "x"; the callback's own arguments follow. */
  private String script(String body) throws IOException {
    Path file = Files.createTempFile(dir, "callback", ".sh");
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file + " x";
  }
}
