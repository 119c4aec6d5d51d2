package io.vigil.agent.ha;

import io.vigil.postgres.SlotSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The permanent slots of the dynamic configuration (wire spec 3.13): {@code permanent_replication_slots}, else
 * {@code permanent_slots}, else {@code slots} (Patroni's order). Read as Patroni reads them: a slot without a value is
 * physical; without {@code type} it is logical when it names both a database and a plugin. An entry Patroni would
 * reject is left out and described in {@link #problems()}; the others still apply.
 */
public record PermanentSlots(Map<String, SlotSpec> slots, List<String> problems) {

  static final List<String> KEYS = List.of("permanent_replication_slots", "permanent_slots", "slots");

  public PermanentSlots {
    slots = Collections.unmodifiableMap(new TreeMap<>(slots));
    problems = List.copyOf(problems);
  }

  public static PermanentSlots of(Map<String, Object> dynamicConfig) {
    Object configured = null;
    for (String key : KEYS) {
      Object value = dynamicConfig.get(key);
      if (value instanceof Map<?, ?> m && !m.isEmpty()) {
        configured = m;
        break;
      }
    }
    Map<String, SlotSpec> slots = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    if (configured instanceof Map<?, ?> entries) {
      for (Map.Entry<?, ?> e : entries.entrySet()) {
        String name = String.valueOf(e.getKey());
        if (!SlotSpec.validName(name)) {
          problems.add("invalid permanent replication slot name '" + name
              + "': only lower case letters, digits and _ (at most 63)");
          continue;
        }
        parse(name, e.getValue()).ifPresentOrElse(s -> slots.put(name, s),
            () -> problems.add("bad value for permanent slot '" + name + "': " + e.getValue()));
      }
    }
    return new PermanentSlots(slots, problems);
  }

  private static java.util.Optional<SlotSpec> parse(String name, Object value) {
    if (value == null || value instanceof Map<?, ?> m && m.isEmpty()) {
      return java.util.Optional.of(SlotSpec.physical(name));
    }
    if (!(value instanceof Map<?, ?> attrs)) {
      return java.util.Optional.empty();
    }
    String database = text(attrs.get("database"));
    String plugin = text(attrs.get("plugin"));
    Object type = attrs.get("type");
    if (type == null) {
      type = !database.isEmpty() && !plugin.isEmpty() ? "logical" : "physical";
    }
    if ("physical".equals(type)) {
      return java.util.Optional.of(SlotSpec.physical(name));
    }
    if ("logical".equals(type) && !database.isEmpty() && !plugin.isEmpty()) {
      return java.util.Optional.of(SlotSpec.logical(name, database, plugin));
    }
    return java.util.Optional.empty();
  }

  private static String text(Object value) {
    return value == null ? "" : String.valueOf(value);
  }

  public boolean hasLogical() {
    return slots.values().stream().anyMatch(SlotSpec::logical);
  }
}
