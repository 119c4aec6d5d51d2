package io.vigil.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ignore_slots} (wire spec 3.13): a list of matchers on {@code name}, {@code type}, {@code database} and
 * {@code plugin}; an attribute a matcher leaves out matches anything. A matching slot is never dropped. Entries that
 * are not objects match nothing, as in Patroni.
 */
public record IgnoredSlots(List<Map<String, String>> matchers) {

  public IgnoredSlots {
    matchers = List.copyOf(matchers);
  }

  public static IgnoredSlots of(Map<String, Object> dynamicConfig) {
    List<Map<String, String>> matchers = new ArrayList<>();
    if (dynamicConfig.get("ignore_slots") instanceof List<?> entries) {
      for (Object entry : entries) {
        if (entry instanceof Map<?, ?> m) {
          Map<String, String> matcher = new java.util.HashMap<>();
          for (String key : List.of("name", "type", "database", "plugin")) {
            if (m.get(key) != null && !String.valueOf(m.get(key)).isEmpty()) {
              matcher.put(key, String.valueOf(m.get(key)));
            }
          }
          matchers.add(matcher);
        }
      }
    }
    return new IgnoredSlots(matchers);
  }

  public boolean ignores(SlotInfo slot) {
    Map<String, String> attrs = Map.of("name", slot.name(), "type", slot.type(), "database", slot.database(),
        "plugin", slot.plugin());
    return matchers.stream().anyMatch(m -> m.entrySet().stream().allMatch(e -> e.getValue().equals(attrs.get(e.getKey()))));
  }
}
