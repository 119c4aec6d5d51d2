package io.vigil.agent.daemon;

import io.vigil.agent.ha.Action;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.VigilConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The foreground daemon: {@code vigil <patroni.yml>}; SIGTERM stops it cleanly with status 0. */
public final class Daemon {

  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  private Daemon() {}

  /**
   * SIGHUP re-reads the configuration, as for Patroni ({@code systemctl reload}). The JVM's default for SIGHUP
   * is to shut down, which would stop PostgreSQL; the handler replaces it.
   */
  private static void reloadOnHangup(Node node) {
    try {
      sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
        LOG.info("received SIGHUP: reloading the configuration");
        node.reload();
      });
      if (previous == sun.misc.SignalHandler.SIG_IGN) {
        // The JVM leaves a signal that was ignored when it started ignored (e.g. under nohup): no handler runs.
        LOG.warn("SIGHUP is ignored in this process (started under nohup?), so it will not reload the configuration; "
            + "use POST /reload or vigilctl reload");
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("SIGHUP cannot be handled here ({}); use POST /reload", e.getMessage());
    }
  }

  /** The configuration the agent would run with, its ignored keys logged; null after printing why it is invalid. */
  private static VigilConfig load(String path, PrintStream err) {
    VigilConfig config;
    try {
      config = ConfigLoader.load(Path.of(path));
    } catch (ConfigException e) {
      err.println("vigil: " + e.getMessage());
      return null;
    }
    config.startupWarnings().forEach(warning -> LOG.warn("{}", warning));
    return config;
  }

  /** Runs until SIGTERM or a fatal decision; returns the process exit status. */
  public static int run(String[] args) {
    PrintStream err = System.err;
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("version"))) {
      System.out.println("vigil " + Version.VIGIL);
      return 0;
    }
    if (args.length == 2 && args[0].equals("--validate-config")) {
      // Patroni's check before a (re)start: silent and 0 when the agent would accept the file, else 1.
      return load(args[1], err) != null ? 0 : 1;
    }
    if (args.length != 1 || args[0].startsWith("-")) {
      err.println("usage: vigil <patroni.yml>   (run the agent)");
      err.println("       vigil demo            (a local 3-node cluster with embedded ZooKeeper)");
      err.println("       vigil --validate-config <patroni.yml>");
      err.println("       vigil --version");
      return 2;
    }
    VigilConfig config = load(args[0], err);
    if (config == null) {
      return 2;
    }
    Node node = new Node(config, Path.of(args[0]));
    try {
      node.start();
    } catch (Node.StartupException e) {
      err.println("vigil: " + e.getMessage());
      node.close();
      return e.exitCode();
    }
    reloadOnHangup(node);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (node.shutdown()) {
        // A clean SIGTERM shutdown is a success (systemd, the harness): exit 0, not the JVM's 143.
        Runtime.getRuntime().halt(0);
      }
    }, "shutdown"));
    Action.Exit exit = node.exit().join();
    LOG.error("exiting: {}", exit.message());
    node.close();
    return exit.code();
  }
}
