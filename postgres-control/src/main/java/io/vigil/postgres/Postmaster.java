package io.vigil.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The postmaster of one data directory, found through {@code postmaster.pid} and checked in
 * {@code /proc}. A pid file survives a crash or {@code kill -9}, and the pid in it may since have
 * been reused, so a pid counts only when it names a live, non-zombie {@code postgres} process
 * whose working directory is this data directory (the postmaster chdirs there) and which is not
 * this JVM or its parent.
 */
final class Postmaster {

  /** Line 8 of postmaster.pid (PM_STATUS): set by PostgreSQL ≥ 10 as the postmaster's state changes. */
  static final String STATUS_READY = "ready";
  static final String STATUS_STANDBY = "standby";

  private final Path dataDir;

  Postmaster(Path dataDir) {
    this.dataDir = dataDir;
  }

  Path dataDir() {
    return dataDir;
  }

  /** What postmaster.pid says, if it exists and is readable. */
  record PidFile(long pid, String status) {}

  Optional<PidFile> readPidFile() {
    Path file = dataDir.resolve("postmaster.pid");
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(lines.get(0).strip());
      String status = lines.size() >= 8 ? lines.get(7).strip() : "";
      return pid > 0 ? Optional.of(new PidFile(pid, status)) : Optional.empty();
    } catch (NumberFormatException e) {
      // PostgreSQL writes the file in pieces; a half-written file is "not running yet"
      return Optional.empty();
    }
  }

  /** The live postmaster's pid, when there is one. */
  OptionalLong pid() {
    Optional<PidFile> file = readPidFile();
    if (file.isPresent() && isPostmasterOfDataDir(file.get().pid())) {
      return OptionalLong.of(file.get().pid());
    }
    return OptionalLong.empty();
  }

  /** A live postmaster that reports it accepts connections (as {@code pg_ctl -w} decides). */
  boolean reportsReady() {
    Optional<PidFile> file = readPidFile();
    return file.isPresent()
        && (file.get().status().equals(STATUS_READY) || file.get().status().equals(STATUS_STANDBY))
        && isPostmasterOfDataDir(file.get().pid());
  }

  boolean isPostmasterOfDataDir(long pid) {
    ProcessHandle self = ProcessHandle.current();
    if (pid == self.pid() || self.parent().map(p -> p.pid() == pid).orElse(false)) {
      return false;
    }
    if (!isAlive(pid)) {
      return false;
    }
    String comm = read(Path.of("/proc", Long.toString(pid), "comm")).strip();
    if (!comm.equals("postgres") && !comm.equals("postmaster")) {
      return false;
    }
    Path cwd;
    try {
      cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
    } catch (IOException | SecurityException e) {
      // cwd of another user's process is unreadable without privileges; the name check must do
      return true;
    }
    try {
      return cwd.equals(dataDir.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }

  /** Exists and is not a zombie; a zombie postmaster is dead, only not yet reaped by its parent. */
  static boolean isAlive(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    int close = stat.lastIndexOf(')');
    if (stat.isEmpty() || close < 0 || close + 2 >= stat.length()) {
      return false;
    }
    char state = stat.charAt(close + 2);
    return state != 'Z' && state != 'X';
  }

  /** Session id of a process (field 6 of /proc/pid/stat), -1 when unknown. */
  static long sessionId(long pid) {
    return statField(pid, 6);
  }

  /**
   * Start time of a process in clock ticks after boot (field 22 of /proc/pid/stat), -1 when it
   * does not exist. With the pid it identifies one process: a reused pid has another start time.
   */
  static long startTime(long pid) {
    return statField(pid, 22);
  }

  /** The process that had {@code startTime} is still alive (one read of /proc/pid/stat). */
  static boolean isAliveSince(long pid, long startTime) {
    return isAlive(pid) && startTime(pid) == startTime;
  }

  /** Field {@code number} (1-based, as in proc(5)) of /proc/pid/stat as a number; -1 when unavailable. */
  private static long statField(long pid, int number) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    int close = stat.lastIndexOf(')');
    if (close < 0 || close + 2 >= stat.length()) {
      return -1;
    }
    // fields after the parenthesised command start with field 3 (state)
    String[] fields = stat.substring(close + 2).split(" ");
    int index = number - 3;
    try {
      return index >= 0 && index < fields.length ? Long.parseLong(fields[index].strip()) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Live (non-zombie) {@code postgres} processes working in this data directory: a postmaster, its
   * children, children orphaned by a killed postmaster, a single-user backend. One scan of /proc.
   */
  List<Long> processesInDataDir() {
    Path real;
    try {
      real = dataDir.toRealPath();
    } catch (IOException e) {
      return List.of();
    }
    long self = ProcessHandle.current().pid();
    List<Long> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long pid = Long.parseLong(name);
        String comm = read(entry.resolve("comm")).strip();
        if (pid == self || (!comm.equals("postgres") && !comm.equals("postmaster")) || !isAlive(pid)) {
          continue;
        }
        try {
          if (Files.readSymbolicLink(entry.resolve("cwd")).equals(real)) {
            found.add(pid);
          }
        } catch (IOException | SecurityException e) {
          // gone meanwhile, or another user's process we may not inspect
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return found;
    }
    return found;
  }

  /**
   * Waits until no postgres process works in the data directory any more. Children of a killed
   * postmaster notice its death and exit within milliseconds, but until they have, PostgreSQL
   * refuses to start there ("pre-existing shared memory block is still in use").
   *
   * @return false when some were still there at the deadline
   */
  boolean awaitNoProcessesInDataDir(Duration timeout) throws PostgresException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!processesInDataDir().isEmpty()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Pause.poll("waiting for the processes of a stopped postmaster to exit");
    }
    return true;
  }

  /** Sends {@code signal} (a name such as {@code INT}) with {@code kill}, which works for any pid we may signal. */
  static void signal(long pid, String signal) throws PostgresException {
    ProcessRunner.Result r = ProcessRunner.run(
        List.of(PgCommand.system("kill"), "-s", signal, Long.toString(pid)), Map.of(), Duration.ofSeconds(10));
    if (!r.ok() && isAlive(pid)) {
      throw new PostgresException("cannot send SIG" + signal + " to postmaster " + pid + ": " + r.outputTail(1));
    }
  }

  /**
   * Last resort after a stop timed out: freeze the postmaster so it cannot fork replacements,
   * then SIGKILL its children and itself.
   */
  static void killWithChildren(long pid) throws PostgresException {
    signal(pid, "STOP");
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    List<ProcessHandle> children = handle.map(h -> h.descendants().toList()).orElse(List.of());
    for (ProcessHandle child : children) {
      signal(child.pid(), "KILL");
    }
    signal(pid, "KILL");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      return "";
    }
  }
}
