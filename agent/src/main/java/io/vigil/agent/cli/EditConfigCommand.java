package io.vigil.agent.cli;

import io.vigil.agent.api.DynamicConfigRules;
import io.vigil.dcs.ConfigNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigilctl edit-config}: changes {@code /config} from {@code -s}/{@code -p} settings, a YAML file to
 * merge ({@code --apply}) or to replace it ({@code --replace}), or an editor on the YAML; shows the diff,
 * confirms, validates like the REST API does, and writes with compare-and-set on the version read, so a
 * concurrent change is never overwritten.
 */
@Command(mixinStandardHelpOptions = true, name = "edit-config", description = "Edit cluster configuration")
final class EditConfigCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  @Option(names = {"-q", "--quiet"}, description = "Do not show changes") boolean quiet;

  @Option(names = {"-s", "--set"}, description = "Set specific configuration value. Can be specified multiple times")
  List<String> settings = new ArrayList<>();

  @Option(names = {"-p", "--pg"}, description = "Set specific PostgreSQL parameter value. Shorthand for "
      + "-s postgresql.parameters. Can be specified multiple times") List<String> pgSettings = new ArrayList<>();

  @Option(names = "--apply", description = "Apply configuration from file. Use - for stdin.") String applyFile;

  @Option(names = "--replace", description = "Apply configuration from file, replacing existing configuration. "
      + "Use - for stdin.") String replaceFile;

  @Option(names = "--force", description = "Do not ask for confirmation at any point") boolean force;

  @Override
  public Integer call() throws Exception {
    Terminal term = ctl.term;
    try (Target t = ctl.target(clusterName)) {
      Optional<ConfigNode> node = t.read().config();
      Map<String, Object> current = node.map(ConfigNode::data).orElse(Map.of());
      String before = Yaml.dump(current);
      Map<String, Object> changed = current;
      boolean edited = false;
      if (replaceFile != null) {
        changed = ConfigEdits.apply(Map.of(), read(replaceFile));
        edited = true;
      }
      if (applyFile != null) {
        changed = ConfigEdits.apply(changed, read(applyFile));
        edited = true;
      }
      if (!settings.isEmpty() || !pgSettings.isEmpty()) {
        List<String> all = new ArrayList<>(settings);
        pgSettings.forEach(p -> all.add("postgresql.parameters." + p.stripLeading()));
        changed = ConfigEdits.set(changed, all);
        edited = true;
      }
      String after;
      if (!edited) {
        after = Editor.edit(before, t.scope);
        Object parsed = Yaml.load(after);
        if (parsed != null && !(parsed instanceof Map<?, ?>)) {
          throw new CtlException("the edited configuration must be a YAML mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = parsed == null ? Map.of() : (Map<String, Object>) parsed;
        changed = map;
      } else {
        after = Yaml.dump(changed);
      }
      if (current.equals(changed)) {
        if (!quiet) {
          term.out.println("Not changed");
        }
        return 0;
      }
      if (!quiet) {
        UnifiedDiff.diff(before, after).forEach(term.out::println);
      }
      if (("-".equals(applyFile) || "-".equals(replaceFile)) && !force) {
        throw new CtlException("Use --force option to apply changes");
      }
      if (!force && !term.confirm("Apply these changes?")) {
        return 0;
      }
      Optional<String> problem = DynamicConfigRules.problem(changed, current);
      if (problem.isPresent()) {
        throw new CtlException(problem.get());
      }
      OptionalInt version = node.map(n -> OptionalInt.of(n.version())).orElse(OptionalInt.empty());
      if (!t.dcs().writeConfig(changed, version)) {
        throw new CtlException("Config modification aborted due to concurrent changes");
      }
      term.out.println("Configuration changed");
      return 0;
    }
  }

  private String read(String file) throws IOException {
    if ("-".equals(file)) {
      return ctl.term.readAll();
    }
    return Files.readString(Path.of(file), StandardCharsets.UTF_8);
  }
}
