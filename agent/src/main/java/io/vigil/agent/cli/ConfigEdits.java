package io.vigil.agent.cli;

import io.vigil.agent.api.ConfigPatch;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The non-interactive edits of {@code edit-config}: {@code -s key.path=value} / {@code -p guc=value}
 * (patronictl's {@code apply_config_changes}) and {@code --apply}/{@code --replace} YAML documents
 * ({@code apply_yaml_file}). Values are YAML; {@code null} removes a key. Dotted paths address nesting,
 * except below {@code postgresql.parameters}, where a GUC name may itself contain dots.
 */
final class ConfigEdits {

  private ConfigEdits() {}

  /** Applies {@code key=value} pairs to a copy of {@code data}. */
  static Map<String, Object> set(Map<String, ?> data, List<String> pairs) {
    Map<String, Object> changed = ConfigPatch.mutableCopy(data);
    for (String pair : pairs) {
      int eq = pair == null ? -1 : pair.indexOf('=');
      if (eq < 0) {
        throw new CtlException("Invalid parameter setting " + pair);
      }
      List<String> path = Arrays.asList(pair.substring(0, eq).strip().split("\\.", -1));
      setPath(changed, path, Yaml.load(pair.substring(eq + 1)), List.of());
    }
    return changed;
  }

  @SuppressWarnings("unchecked")
  private static void setPath(Map<String, Object> config, List<String> path, Object value, List<String> prefix) {
    if (prefix.equals(List.of("postgresql", "parameters"))) {
      path = List.of(String.join(".", path));
    }
    String key = path.get(0);
    if (path.size() == 1) {
      if (value == null) {
        config.remove(key);
      } else {
        config.put(key, value);
      }
      return;
    }
    if (!(config.get(key) instanceof Map<?, ?>)) {
      config.put(key, new java.util.LinkedHashMap<String, Object>());
    }
    Map<String, Object> child = (Map<String, Object>) config.get(key);
    List<String> deeper = new java.util.ArrayList<>(prefix);
    deeper.add(key);
    setPath(child, path.subList(1, path.size()), value, deeper);
    if (child.isEmpty()) {
      config.remove(key);
    }
  }

  /** Merges a YAML document into a copy of {@code data} (Patroni's {@code patch_config}). */
  static Map<String, Object> apply(Map<String, ?> data, String yaml) {
    Map<String, Object> changed = ConfigPatch.mutableCopy(data);
    Object doc = Yaml.load(yaml);
    if (doc == null) {
      return changed;
    }
    if (!(doc instanceof Map<?, ?> m)) {
      throw new CtlException("the configuration to apply must be a YAML mapping");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> patch = (Map<String, Object>) m;
    ConfigPatch.apply(changed, patch);
    return changed;
  }
}
