package io.vigil.agent.daemon;

import io.vigil.config.ReplicaMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The command line of a replica creation method, with the arguments Patroni passes (spec §3.9). */
final class ReplicaCommand {

  private ReplicaCommand() {
  }

  /**
   * {@code <command words> --<key>=<value>...}: the section's own keys in file order, then (unless {@code no_params})
   * {@code --scope --role=replica --datadir --connstring}, as Patroni adds them to the same mapping. A section key
   * named like one of Patroni's arguments is replaced by Patroni's value, as there.
   *
   * @throws IllegalArgumentException when the command cannot be split into words (an unclosed quote)
   */
  static List<String> argv(ReplicaMethod m, String scope, Path dataDir, String connstring) {
    List<String> argv = new ArrayList<>(Callbacks.split(m.command().orElseThrow()));
    Map<String, String> args = new LinkedHashMap<>(m.arguments());
    if (!m.noParams()) {
      args.put("scope", scope);
      args.put("role", "replica");
      args.put("datadir", dataDir.toString());
      args.put("connstring", connstring);
    }
    args.forEach((key, value) -> argv.add("--" + key + "=" + value));
    return argv;
  }
}
