package io.vigil.agent.cli;

import java.math.BigInteger;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * YAML as patronictl writes and reads it with PyYAML: {@code safe_dump(default_flow_style=False, width=200,
 * allow_unicode=True)} with sorted keys, and {@code safe_load} with YAML 1.1 scalars ({@code on} is true).
 * Both are YAML 1.1, so strings such as {@code 'on'} are quoted on output and survive a round trip.
 * Integers are read as {@code Long}, like every number in the JSON Vigil reads from ZooKeeper.
 */
final class Yaml {

  private Yaml() {}

  static String dump(Object data) {
    return dumper(DumperOptions.FlowStyle.BLOCK).dump(sorted(data));
  }

  /** One-line flow style, as patronictl shows tags in {@code tsv} output. */
  static String dumpFlow(Object data) {
    return dumper(DumperOptions.FlowStyle.FLOW).dump(sorted(data)).strip();
  }

  static Object load(String text) {
    try {
      return normalise(new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions())).load(text));
    } catch (YAMLException e) {
      throw new CtlException("invalid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static org.yaml.snakeyaml.Yaml dumper(DumperOptions.FlowStyle style) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(style);
    options.setWidth(200);
    options.setAllowUnicode(true);
    options.setIndent(2);
    return new org.yaml.snakeyaml.Yaml(new Representer(options), options);
  }

  private static Object sorted(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), sorted(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(sorted(x)));
      return out;
    }
    return v;
  }

  private static Object normalise(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), normalise(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(normalise(x)));
      return out;
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    if (v instanceof Date d) {
      return d.toInstant().atOffset(ZoneOffset.UTC).toString();
    }
    return v;
  }
}
