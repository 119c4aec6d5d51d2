package io.vigil.agent.cli;

import io.vigil.agent.daemon.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code vigilctl version}: the CLI's own version, like {@code patronictl version}. */
@Command(name = "version", description = "Output version of vigilctl")
final class VersionCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.out.println("vigilctl version " + Version.VIGIL);
    return 0;
  }
}
