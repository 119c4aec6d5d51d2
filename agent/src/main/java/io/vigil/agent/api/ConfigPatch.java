package io.vigil.agent.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Patroni's {@code patch_config}: merges a JSON object into the dynamic configuration. Nested objects are
 * merged recursively, {@code null} deletes a key, any other value replaces the old one. Like Patroni, a
 * value whose text equals the old value's text (e.g. {@code "10"} over {@code 10}) is not a change and
 * keeps the old value. Unlike Patroni, {@code null}s inside an object added as a whole are dropped rather
 * than stored, since a null in {@code /config} means nothing to any agent.
 */
public final class ConfigPatch {

  private ConfigPatch() {}

  /**
   * Applies {@code patch} to {@code config} in place.
   *
   * @param config a mutable map, e.g. from {@link #mutableCopy}
   * @return whether {@code config} changed
   */
  public static boolean apply(Map<String, Object> config, Map<String, ?> patch) {
    boolean changed = false;
    for (Map.Entry<String, ?> e : patch.entrySet()) {
      String name = e.getKey();
      Object value = e.getValue();
      if (value == null) {
        if (config.remove(name) != null) {
          changed = true;
        }
      } else if (config.containsKey(name)) {
        Object old = config.get(name);
        if (value instanceof Map<?, ?> nested) {
          if (old instanceof Map<?, ?>) {
            @SuppressWarnings("unchecked")
            Map<String, Object> oldMap = (Map<String, Object>) old;
            changed |= apply(oldMap, stringKeyed(nested));
          } else {
            config.put(name, withoutNulls(value));
            changed = true;
          }
        } else if (!pythonStr(old).equals(pythonStr(value))) {
          config.put(name, withoutNulls(value));
          changed = true;
        }
      } else {
        config.put(name, withoutNulls(value));
        changed = true;
      }
    }
    return changed;
  }

  /** A deep, mutable, insertion-ordered copy of a JSON tree (maps and lists copied, scalars shared). */
  public static Map<String, Object> mutableCopy(Map<String, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k, copyValue(v)));
    return copy;
  }

  private static Object copyValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return mutableCopy(stringKeyed(m));
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(copyValue(x)));
      return out;
    }
    return v;
  }

  private static Object withoutNulls(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      stringKeyed(m).forEach((k, x) -> {
        if (x != null) {
          out.put(k, withoutNulls(x));
        }
      });
      return out;
    }
    return copyValue(v);
  }

  static Map<String, Object> stringKeyed(Map<?, ?> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  /** Python's {@code str()} of a JSON value, for the "same text, no change" rule. */
  static String pythonStr(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16 ? String.format(java.util.Locale.ROOT, "%.1f", d)
          : Double.toString(d);
    }
    if (v instanceof Number) {
      return v.toString();
    }
    return Objects.toString(v);
  }
}
