package io.vigil.postgres;

import java.util.Objects;

/**
 * A replication slot as the agent wants it (spec 3.13): physical, or logical in {@code database} with output
 * {@code plugin}. For a physical slot both are empty.
 */
public record SlotSpec(String name, boolean logical, String database, String plugin) {

  public SlotSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(plugin, "plugin");
  }

  public static SlotSpec physical(String name) {
    return new SlotSpec(name, false, "", "");
  }

  public static SlotSpec logical(String name, String database, String plugin) {
    return new SlotSpec(name, true, database, plugin);
  }

  public String type() {
    return logical ? "logical" : "physical";
  }

  /** A slot of this name that differs in type, database or plugin must be dropped and created again. */
  public boolean sameKind(SlotInfo existing) {
    return logical == existing.logical() && database.equals(existing.database()) && plugin.equals(existing.plugin());
  }

  /** Whether the name matches {@code ^[a-z0-9_]{1,63}$}, the only names Patroni accepts. */
  public static boolean validName(String name) {
    return SlotName.isValid(name);
  }
}
