package io.vigil.agent.daemon;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands of the configuration that the agent runs itself: {@code pre_promote}, {@code before_stop}, and Patroni's
 * {@code postgresql.callbacks} (wire spec 4.5): {@code <command> <event> <role> <scope>}, started without
 * waiting for it, as the agent's user, its output in the agent's log. One callback runs at a time: a new one kills
 * the previous one and its children, as Patroni does, except that {@code on_reload} has a slot of its own.
 */
final class Callbacks {

  private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);
  private static final String ON_RELOAD = "on_reload";

  private final String scope;
  private Process running;
  private Process reloading;

  Callbacks(String scope) {
    this.scope = scope;
  }

  /**
   * Starts the command configured for {@code event}, if any.
   *
   * @param role Patroni 3.0.2's words: {@code master} or {@code replica}
   */
  synchronized void fire(Map<String, String> commands, String event, String role) {
    String command = commands.get(event);
    if (command == null) {
      return;
    }
    List<String> argv;
    try {
      argv = new ArrayList<>(split(command));
    } catch (IllegalArgumentException e) {
      LOG.error("callback {} not run: {} in postgresql.callbacks.{}", event, e.getMessage(), event);
      return;
    }
    argv.addAll(List.of(event, role, scope));
    boolean reload = event.equals(ON_RELOAD);
    stop(reload ? reloading : running);
    try {
      Process started = start(argv);
      LOG.info("callback {} {} {}: started {} (pid {})", event, role, scope, argv, started.pid());
      if (reload) {
        reloading = started;
      } else {
        running = started;
      }
    } catch (IOException e) {
      LOG.error("callback {} could not be started: {}", event, e.getMessage());
    }
  }

  /**
   * {@code postgresql.pre_promote} (wire spec 4.1 #14), if configured: run without arguments and waited for; only
   * exit status 0 lets the promotion go on. Bounded by {@code limit}: a script that never ends must not keep the
   * cluster without a primary while this node holds the lock.
   */
  boolean prePromoteAllows(Optional<String> command, Duration limit) {
    if (command.isEmpty()) {
      return true;
    }
    try {
      List<String> argv = split(command.get());
      LOG.info("running pre_promote {}", argv);
      Process p = start(argv);
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        killTree(p);
        LOG.error("pre_promote did not finish within {} s (pg_ctl_timeout) and was killed", limit.toSeconds());
        return false;
      }
      if (p.exitValue() != 0) {
        LOG.error("pre_promote exited with code {}", p.exitValue());
        return false;
      }
      return true;
    } catch (IllegalArgumentException | IOException e) {
      LOG.error("pre_promote could not be run: {}", e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * {@code postgresql.before_stop}, if configured: run without arguments and waited for, as Patroni does right before
   * it signals the postmaster; its exit status is only logged, the stop goes on whatever it is. Bounded by
   * {@code limit}: a script that never ends must not keep PostgreSQL from stopping (a demoted primary would go on
   * taking writes, and the agent would not cycle again).
   */
  void beforeStop(Optional<String> command, Duration limit) {
    if (command.isEmpty()) {
      return;
    }
    try {
      List<String> argv = split(command.get());
      LOG.info("running before_stop {}", argv);
      Process p = start(argv);
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        killTree(p);
        LOG.error("before_stop did not finish within {} s and was killed; stopping PostgreSQL", limit.toSeconds());
        return;
      }
      LOG.info("before_stop script `{}` exited with {}", command.get(), p.exitValue());
    } catch (IllegalArgumentException | IOException e) {
      LOG.error("before_stop could not be run: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A configured command: the agent's user and environment, no input, its output in the agent's log. */
  private static Process start(List<String> argv) throws IOException {
    return new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static void stop(Process previous) {
    if (previous != null && previous.isAlive()) {
      LOG.warn("killing the previous callback (pid {}) and its children to run the next one", previous.pid());
      killTree(previous);
    }
  }

  /** Children listed first, then the parent killed, so a shell cannot start another child in between. */
  private static void killTree(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Python's {@code shlex.split} (POSIX mode), which Patroni applies to the configured command: words split on
   * blanks; single quotes keep everything; double quotes keep everything but a backslash before {@code \ " $ `};
   * elsewhere a backslash keeps the next character.
   */
  static List<String> split(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\' && i + 1 < command.length() && "\\\"$`".indexOf(command.charAt(i + 1)) >= 0) {
          word.append(command.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        inWord = true;
        if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '\\') {
          if (++i == command.length()) {
            throw new IllegalArgumentException("no escaped character");
          }
          word.append(command.charAt(i));
        } else {
          word.append(c);
        }
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("no closing quotation");
    }
    if (inWord) {
      words.add(word.toString());
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    return words;
  }
}
