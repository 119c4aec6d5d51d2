package io.vigil.agent.cli;

import io.vigil.agent.daemon.Version;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigilctl}: patronictl's verbs and options over the same ZooKeeper layout. It reads the
 * cluster straight from ZooKeeper, as patronictl does.
 */
@Command(name = "vigilctl", mixinStandardHelpOptions = true, versionProvider = VigilCtl.VersionProvider.class,
    description = "Inspect and operate a Vigil/Patroni cluster.",
    subcommands = {ListCommand.class, TopologyCommand.class, ShowConfigCommand.class, HistoryCommand.class,
        VersionCommand.class})
public final class VigilCtl implements Callable<Integer> {

  @Option(names = {"-c", "--config-file"}, description = "configuration file (the agent's patroni.yml)")
  Path configFile;

  @Option(names = {"-d", "--dcs-url", "--dcs"}, description = "ZooKeeper address, e.g. zookeeper://127.0.0.1:2181")
  String dcsUrl;

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }

  /** Runs the CLI and returns its exit status: 0 success, 1 refused or failed, 2 bad usage. */
  public static int run(String[] args) {
    CommandLine cli = new CommandLine(new VigilCtl());
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      err.println("Error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
      return 1;
    });
    return cli.execute(args);
  }

  /** The standalone CLI prints results, not the library chatter an agent logs (connection states etc.). */
  public static void main(String[] args) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    System.exit(run(args));
  }

  Target target(String clusterName) {
    return Target.resolve(configFile, dcsUrl, clusterName);
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vigilctl version " + Version.VIGIL};
    }
  }
}
