package io.vigil.agent.daemon;

import io.vigil.config.CustomBootstrap;
import io.vigil.config.ReplicaMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command lines of the scripts that fill a data directory, with the arguments Patroni passes: a replica creation
 * method (spec §3.9) and a custom bootstrap method (spec §3.8). Each is the command's words, then {@code --key=value}.
 */
final class ScriptCommand {

  private ScriptCommand() {
  }

  /**
   * {@code <command words> --<key>=<value>...}: the section's own keys in file order, then (unless {@code no_params})
   * {@code --scope --role=replica --datadir --connstring}, as Patroni adds them to the same mapping. A section key
   * named like one of Patroni's arguments is replaced by Patroni's value, as there.
   *
   * @throws IllegalArgumentException when the command cannot be split into words (an unclosed quote)
   */
  static List<String> replica(ReplicaMethod m, String scope, Path dataDir, String connstring) {
    Map<String, String> args = new LinkedHashMap<>(m.arguments());
    if (!m.noParams()) {
      args.put("scope", scope);
      args.put("role", "replica");
      args.put("datadir", dataDir.toString());
      args.put("connstring", connstring);
    }
    return argv(m.command().orElseThrow(), args, Map.of());
  }

  /**
   * {@code <command words> [--scope --datadir] --<key>=<value>...}: Patroni puts its two arguments first here and
   * appends the section's own keys after them.
   *
   * @throws IllegalArgumentException when the command cannot be split into words (an unclosed quote)
   */
  static List<String> bootstrap(CustomBootstrap method, String scope, Path dataDir) {
    Map<String, String> patronis = new LinkedHashMap<>();
    if (!method.noParams()) {
      patronis.put("scope", scope);
      patronis.put("datadir", dataDir.toString());
    }
    return argv(method.command(), patronis, method.arguments());
  }

  private static List<String> argv(String command, Map<String, String> first, Map<String, String> then) {
    List<String> argv = new ArrayList<>(Callbacks.split(command));
    first.forEach((key, value) -> argv.add("--" + key + "=" + value));
    then.forEach((key, value) -> argv.add("--" + key + "=" + value));
    return argv;
  }
}
