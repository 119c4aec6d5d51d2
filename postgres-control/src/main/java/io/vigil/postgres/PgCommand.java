package io.vigil.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds command lines for PostgreSQL binaries. PostgreSQL refuses to run as root, so when a run-as
 * user is configured every binary is prefixed with {@code runuser -u <user> --}: no PAM login, no
 * shell quoting, and exit code and output pass straight through.
 */
final class PgCommand {

  /** System directories searched for helper tools when {@code PATH} lacks them (root's sbin dirs). */
  private static final List<Path> SYSTEM_DIRS =
      List.of(Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/bin"), Path.of("/bin"));

  private final Optional<Path> binDir;
  private final Optional<String> runAsUser;
  private final Map<String, String> binNames;

  PgCommand(Optional<Path> binDir, Optional<String> runAsUser) {
    this(binDir, runAsUser, Map.of());
  }

  /** @param binNames {@code postgresql.bin_name}: a tool's file name where a distribution renamed it */
  PgCommand(Optional<Path> binDir, Optional<String> runAsUser, Map<String, String> binNames) {
    this.binDir = binDir;
    this.runAsUser = runAsUser;
    this.binNames = Map.copyOf(binNames);
  }

  /** Where {@code tool} lives: in the bin dir, or on {@code PATH} when no bin dir is configured. */
  Optional<Path> find(String tool) {
    String file = fileName(tool);
    if (binDir.isPresent()) {
      Path candidate = binDir.get().resolve(file);
      return Files.isRegularFile(candidate) && Files.isExecutable(candidate) ? Optional.of(candidate) : Optional.empty();
    }
    return onPath(file, List.of());
  }

  private String fileName(String tool) {
    return binNames.getOrDefault(tool, tool);
  }

  /** {@code [runuser -u user --] <bin>/tool args...} */
  List<String> argv(String tool, List<String> args) {
    String file = fileName(tool);
    List<String> argv = new ArrayList<>();
    argv.add(find(tool).map(Path::toString).orElse(binDir.map(d -> d.resolve(file).toString()).orElse(file)));
    argv.addAll(args);
    return asRunAsUser(argv);
  }

  /** Prefixes {@code runuser -u <user> --} when a run-as user is configured. */
  List<String> asRunAsUser(List<String> argv) {
    if (runAsUser.isEmpty()) {
      return List.copyOf(argv);
    }
    List<String> wrapped = new ArrayList<>(List.of(system("runuser"), "-u", runAsUser.get(), "--"));
    wrapped.addAll(argv);
    return List.copyOf(wrapped);
  }

  ProcessRunner.Result run(String tool, List<String> args, Map<String, String> env, Duration timeout)
      throws PostgresException {
    return ProcessRunner.run(argv(tool, args), env, timeout);
  }

  /** Runs the tool and throws with the command's own error text unless it exits 0. */
  ProcessRunner.Result runOk(String tool, List<String> args, Map<String, String> env, Duration timeout)
      throws PostgresException {
    ProcessRunner.Result result = run(tool, args, env, timeout);
    if (!result.ok()) {
      throw new PostgresException(result.failure());
    }
    return result;
  }

  /** Absolute path of a system tool such as {@code runuser}, {@code setsid} or {@code kill}. */
  static String system(String tool) {
    return onPath(tool, SYSTEM_DIRS).map(Path::toString).orElse(tool);
  }

  private static Optional<Path> onPath(String tool, List<Path> extraDirs) {
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        if (!dir.isEmpty()) {
          dirs.add(Path.of(dir));
        }
      }
    }
    dirs.addAll(extraDirs);
    for (Path dir : dirs) {
      Path candidate = dir.resolve(tool);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
