package io.vigil.postgres;

import java.util.Objects;

/**
 * A non-temporary replication slot of the local server, as {@code pg_replication_slots} shows it.
 *
 * @param position logical: {@code confirmed_flush_lsn}; physical: {@code restart_lsn}; 0 when null (what Patroni
 *                 publishes in {@code /status} {@code slots} and advances copies to)
 * @param catalogXmin {@code catalog_xmin}, 0 when null
 */
public record SlotInfo(String name, boolean logical, String database, String plugin, boolean active, long position,
    long catalogXmin) {

  public SlotInfo {
    Objects.requireNonNull(name, "name");
    database = database == null ? "" : database;
    plugin = plugin == null ? "" : plugin;
  }

  public String type() {
    return logical ? "logical" : "physical";
  }
}
