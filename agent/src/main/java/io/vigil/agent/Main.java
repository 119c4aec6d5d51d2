package io.vigil.agent;

import io.vigil.agent.cli.VigilCtl;
import io.vigil.agent.daemon.Daemon;
import io.vigil.agent.demo.Demo;
import io.vigil.agent.durability.Durability;
import java.util.Arrays;

/** {@code vigil <patroni.yml>} runs the agent; {@code vigil demo} a local 3-node cluster; {@code vigil ctl} the CLI;
 * {@code vigil durability} the durability checker. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    CodeLogging.select();
    String first = args.length > 0 ? args[0] : "";
    String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
    int code = switch (first) {
      case "demo" -> Demo.run(rest);
      case "ctl" -> VigilCtl.run(rest);
      case "durability" -> Durability.run(rest);
      default -> Daemon.run(args);
    };
    if (code >= 0) {
      System.exit(code);
    }
  }
}
