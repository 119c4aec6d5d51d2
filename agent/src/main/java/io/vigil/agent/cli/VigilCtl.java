package io.vigil.agent.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.vigil.agent.CodeLogging;
import io.vigil.agent.daemon.Version;
import io.vigil.dcs.DcsException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigilctl}: patronictl's verbs and options over the same ZooKeeper layout and REST API. It reads the
 * cluster straight from ZooKeeper and sends state changes to the members' REST API, as patronictl does.
 * Exit status: 0 success, 1 refused or failed (one line on stderr), 2 bad usage.
 */
@Command(name = "vigilctl", mixinStandardHelpOptions = true, versionProvider = VigilCtl.VersionProvider.class,
    description = "Inspect and operate a Vigil/Patroni cluster.",
    subcommands = {ListCommand.class, TopologyCommand.class, SwitchoverCommand.class, FailoverCommand.class,
        RestartCommand.class, ReloadCommand.class, ReinitCommand.class, PauseCommand.class, ResumeCommand.class,
        ShowConfigCommand.class, EditConfigCommand.class, HistoryCommand.class, DsnCommand.class, QueryCommand.class,
        FlushCommand.class, RemoveCommand.class, VersionCommand.class})
public final class VigilCtl implements Callable<Integer> {

  @Option(names = {"-c", "--config-file"}, description = "configuration file (the agent's patroni.yml); "
      + "default $PATRONICTL_CONFIG_FILE, else ~/.config/patroni/patronictl.yaml")
  Path configFile;

  @Option(names = {"-d", "--dcs-url", "--dcs"}, description = "ZooKeeper address, e.g. zookeeper://127.0.0.1:2181 "
      + "(default $DCS_URL)")
  String dcsUrl;

  @Option(names = {"-k", "--insecure"}, description = "Allow connections to SSL sites without certs")
  boolean insecure;

  Terminal term;

  private VigilCtl(Terminal term) {
    this.term = term;
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(term.out);
    return 0;
  }

  /** Runs the CLI on the process's streams and returns its exit status. */
  public static int run(String[] args) {
    return run(args, System.in, System.out, System.err);
  }

  /** Runs the CLI on the given streams (prompts read {@code in}) and returns its exit status. */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new VigilCtl(new Terminal(in, out, err)));
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      out.flush();
      if (ex instanceof Terminal.Aborted) {
        err.println("Aborted!");
        return 1;
      }
      if (ex instanceof CtlException c) {
        err.println("Error: " + c.getMessage());
        return c.exitCode();
      }
      String message = ex instanceof DcsException ? "ZooKeeper: " + ex.getMessage()
          : ex.getMessage() == null ? ex.toString() : ex.getMessage();
      err.println("Error: " + message.lines().findFirst().orElse(message));
      return 1;
    });
    return cli.execute(args);
  }

  /** The standalone CLI prints results, not the library chatter an agent logs (connection states etc.). */
  public static void main(String[] args) {
    CodeLogging.select();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    if (talksToTheCluster(args)) {
      warmUp();
    }
    int code = run(args);
    stopHttpSelectors();
    System.exit(code);
  }

  /**
   * Ends the REST client's selector threads before exiting. JDK 17's HttpClient cannot be closed and its selector
   * thread waits in native code (epoll), and at exit the JVM gives threads in native code 0.3 s to settle; an
   * interrupted selector thread stops at once. Only for the standalone process: {@link #run} leaves them alone.
   */
  private static void stopHttpSelectors() {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (name.startsWith("HttpClient-") && name.endsWith("-SelectorManager")) {
        t.interrupt();
        try {
          t.join(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Not {@code version} or a help text: those print at once, and a warm-up would only compete for the CPU. */
  static boolean talksToTheCluster(String[] args) {
    for (String arg : args) {
      if (arg.equals("version") || arg.equals("--version") || arg.equals("-V") || arg.equals("help")
          || arg.equals("--help") || arg.equals("-h")) {
        return false;
      }
    }
    return args.length > 0;
  }

  /**
   * Builds the JDK's default TLS context on a second thread while the arguments and the configuration are read:
   * the ZooKeeper client builds it on connecting (even without TLS) and the REST client on its first request,
   * about a tenth of a second of a command's start. Whoever needs it first waits for it; a failure here is
   * left for them to meet.
   */
  private static void warmUp() {
    Thread t = new Thread(() -> {
      try {
        javax.net.ssl.SSLContext.getDefault();
        javax.net.ssl.SSLServerSocketFactory.getDefault();
      } catch (Throwable ignored) {
        // the command reports it, if it needs TLS at all
      }
    }, "vigilctl-warmup");
    t.setDaemon(true);
    t.start();
  }

  Target target(String clusterName) {
    return Target.resolve(configFile, dcsUrl, clusterName);
  }

  MemberApi api(Target target) {
    return new MemberApi(target.restCredentials(), target.restTls(insecure));
  }

  /**
   * Splits {@code [CLUSTER_NAME] [MEMBER_NAMES...]}: the first word is the cluster name when it equals the
   * configured scope or no scope is configured; otherwise all words are member names of the configured cluster.
   */
  Selection positional(List<String> words) {
    String configured = Target.configuredScope(configFile);
    if (!words.isEmpty() && (configured == null || words.get(0).equals(configured))) {
      return new Selection(words.get(0), new ArrayList<>(words.subList(1, words.size())));
    }
    return new Selection(null, new ArrayList<>(words));
  }

  /** A cluster name (null = the configured scope) and member names. */
  record Selection(String cluster, List<String> members) {}

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vigilctl version " + Version.VIGIL};
    }
  }
}
