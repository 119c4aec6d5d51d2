package io.vigil.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL behind spec 3.13. Every statement is guarded so that a slot that changed between the cycle's observation
 * and this call is left alone: creation only when absent, drop only when inactive, advance only forward.
 */
final class ReplicationSlots {

  private static final String LIST = """
      SELECT s.slot_name, s.slot_type, d.datname, s.plugin, s.active,
             pg_catalog.pg_wal_lsn_diff(CASE WHEN s.slot_type = 'logical' THEN s.confirmed_flush_lsn
                                             ELSE s.restart_lsn END, '0/0')::bigint,
             s.catalog_xmin::text::bigint
        FROM pg_catalog.pg_replication_slots s LEFT JOIN pg_catalog.pg_database d ON d.oid = s.datoid
       WHERE NOT s.temporary ORDER BY s.slot_name""";
  private static final String CREATE_PHYSICAL =
      "SELECT pg_catalog.pg_create_physical_replication_slot(?, true) "
          + "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?)";
  private static final String CREATE_LOGICAL =
      "SELECT pg_catalog.pg_create_logical_replication_slot(?, ?) "
          + "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?)";
  private static final String DROP =
      "SELECT pg_catalog.pg_drop_replication_slot(slot_name) FROM pg_catalog.pg_replication_slots "
          + "WHERE slot_name = ? AND NOT active AND NOT temporary";
  private static final String ADVANCE =
      "SELECT pg_catalog.pg_replication_slot_advance(slot_name, ?::pg_lsn) FROM pg_catalog.pg_replication_slots "
          + "WHERE slot_name = ? AND NOT active AND pg_catalog.pg_wal_lsn_diff(?::pg_lsn, "
          + "CASE WHEN slot_type = 'logical' THEN confirmed_flush_lsn ELSE restart_lsn END) > 0";

  private ReplicationSlots() {}

  static List<SlotInfo> list(Connection connection) throws SQLException {
    List<SlotInfo> slots = new ArrayList<>();
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(LIST)) {
      while (rs.next()) {
        slots.add(new SlotInfo(rs.getString(1), "logical".equals(rs.getString(2)), rs.getString(3), rs.getString(4),
            rs.getBoolean(5), rs.getLong(6), rs.getLong(7)));
      }
    }
    return List.copyOf(slots);
  }

  /** True when the slot was created by this call; a logical slot must be created connected to its database. */
  static boolean create(Connection connection, SlotSpec slot) throws SQLException {
    requireValid(slot.name());
    return slot.logical()
        ? execute(connection, CREATE_LOGICAL, slot.name(), slot.plugin(), slot.name())
        : execute(connection, CREATE_PHYSICAL, slot.name(), slot.name());
  }

  static boolean drop(Connection connection, String name) throws SQLException {
    return execute(connection, DROP, name);
  }

  /** A logical slot is advanced connected to its database; PostgreSQL caps the target at what it has replayed. */
  static boolean advance(Connection connection, String name, long lsn) throws SQLException {
    String target = new Lsn(lsn).toString();
    return execute(connection, ADVANCE, target, name, target);
  }

  private static void requireValid(String name) {
    if (!SlotName.isValid(name)) {
      throw new IllegalArgumentException("invalid replication slot name: '" + name + "'");
    }
  }

  /** True when the guarded statement matched a row, i.e. actually did its work. */
  private static boolean execute(Connection connection, String sql, String... args) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
