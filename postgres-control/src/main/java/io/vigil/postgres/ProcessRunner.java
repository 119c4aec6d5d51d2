package io.vigil.postgres;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion and captures its output.
 *
 * <p>Output goes to temporary files rather than pipes so a chatty command can never block on a
 * full pipe while we wait for it. A command that outlives its timeout, or whose caller is
 * interrupted, is killed together with its descendants (a {@code runuser} wrapper forks the real
 * binary, so killing only the direct child would orphan the binary) and then reaped: no zombies.
 */
final class ProcessRunner {

  /** Environment prefixes that belong to the agent and must not leak into PostgreSQL processes. */
  private static final List<String> PRIVATE_ENV_PREFIXES = List.of("PATRONI_", "VIGIL_", "KUBERNETES_");
  private static final int TAIL_BYTES = 64 * 1024;
  private static final int MAX_COMMAND_IN_MESSAGE = 200;
  private static final Duration REAP_WAIT = Duration.ofSeconds(5);

  private ProcessRunner() {}

  /** Outcome of a finished command. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {

    boolean ok() {
      return exitCode == 0;
    }

    /** The last lines of stderr (or of stdout when stderr is empty), joined into one line. */
    String outputTail(int lines) {
      return tail(stderr.isBlank() ? stdout : stderr, lines);
    }

    /** {@code "pg_ctl promote -D /data -W exited with code 1: <tail>"}: program name, arguments, output tail. */
    String failure() {
      int program = programIndex(command);
      List<String> words = new ArrayList<>(command.subList(program, command.size()));
      words.set(0, Path.of(words.get(0)).getFileName().toString());
      String what = String.join(" ", words);
      if (what.length() > MAX_COMMAND_IN_MESSAGE) {
        what = what.substring(0, MAX_COMMAND_IN_MESSAGE) + "…";
      }
      String tail = outputTail(3);
      return what + " exited with code " + exitCode + (tail.isEmpty() ? "" : ": " + tail);
    }
  }

  /** Runs {@code argv} with extra environment variables; {@code timeout} null means no limit. */
  static Result run(List<String> argv, Map<String, String> env, Duration timeout) throws PostgresException {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("vigil-cmd-", ".out");
      err = Files.createTempFile("vigil-cmd-", ".err");
      ProcessBuilder builder = builder(argv, env)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      Process process = startOrFail(builder, argv);
      int code = await(process, timeout, argv);
      return new Result(List.copyOf(argv), code, readTail(out), readTail(err));
    } catch (IOException e) {
      throw new PostgresException("cannot run " + describe(argv) + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** A builder with a clean environment and {@code /} as working directory (always accessible to the run-as user). */
  static ProcessBuilder builder(List<String> argv, Map<String, String> env) {
    ProcessBuilder builder = new ProcessBuilder(argv).directory(Path.of("/").toFile());
    Map<String, String> environment = builder.environment();
    removeAgentVariables(environment);
    environment.putAll(env);
    return builder;
  }

  /** Drops PATRONI_*, VIGIL_* and KUBERNETES_* variables: configuration and secrets of the agent, not of PostgreSQL. */
  static void removeAgentVariables(Map<String, String> environment) {
    environment.keySet().removeIf(k -> PRIVATE_ENV_PREFIXES.stream().anyMatch(k::startsWith));
  }

  static Process startOrFail(ProcessBuilder builder, List<String> argv) throws PostgresException {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new PostgresException("cannot run " + describe(argv) + ": " + e.getMessage(), e);
    }
  }

  private static int await(Process process, Duration timeout, List<String> argv) throws PostgresException {
    try {
      if (timeout == null) {
        return process.waitFor();
      }
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
      killTree(process);
      throw new PostgresException(describe(argv) + " did not finish within " + timeout.toSeconds() + " s and was killed");
    } catch (InterruptedException e) {
      killTree(process);
      Thread.currentThread().interrupt();
      throw new PostgresException(describe(argv) + " was interrupted and killed", e);
    }
  }

  /** SIGKILL to the process and everything below it, then reap the direct child. */
  static void killTree(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    boolean interrupted = Thread.interrupted();
    try {
      process.waitFor(REAP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Program name and arguments, without a {@code runuser -u x --} prefix, for messages. */
  static String describe(List<String> argv) {
    return String.join(" ", argv.subList(programIndex(argv), argv.size()));
  }

  private static int programIndex(List<String> argv) {
    int dashes = argv.indexOf("--");
    boolean wrapped = !argv.isEmpty() && argv.get(0).endsWith("runuser") && dashes > 0;
    return wrapped && dashes + 1 < argv.size() ? dashes + 1 : 0;
  }

  static String tail(String text, int lines) {
    List<String> all = new ArrayList<>(Arrays.asList(text.strip().split("\\R")));
    all.removeIf(String::isBlank);
    List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
    return String.join(" | ", last.stream().map(String::strip).toList());
  }

  /** The last {@link #TAIL_BYTES} of a file; earlier output of a long command is of no use in a message. */
  static String readTail(Path file) throws IOException {
    return readFrom(file, -1);
  }

  /** Text of {@code file} from byte {@code offset} on (or its tail when offset is negative), at most 64 KiB. */
  static String readFrom(Path file, long offset) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      // an offset past the end means the file was truncated (log rotation) since: read it all
      long from = offset < 0 || offset > length ? 0 : offset;
      long start = Math.max(from, length - TAIL_BYTES);
      byte[] bytes = new byte[(int) (length - start)];
      f.seek(start);
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a leftover empty temp file is harmless and must not mask the command's own outcome
      }
    }
  }
}
