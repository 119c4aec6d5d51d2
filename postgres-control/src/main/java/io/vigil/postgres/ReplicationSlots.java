package io.vigil.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps the physical replication slots of this server equal to a wanted set (spec §3.13). Logical
 * and temporary slots (pg_basebackup's own) are never touched; an active slot is never dropped.
 */
final class ReplicationSlots {

  /** What a sync did, for the caller's log line. */
  record Changes(List<String> created, List<String> dropped) {}

  private static final String LIST =
      "SELECT slot_name, slot_type, active FROM pg_catalog.pg_replication_slots WHERE NOT temporary";
  private static final String CREATE =
      "SELECT pg_catalog.pg_create_physical_replication_slot(?, true) "
          + "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?)";
  private static final String DROP =
      "SELECT pg_catalog.pg_drop_replication_slot(slot_name) FROM pg_catalog.pg_replication_slots "
          + "WHERE slot_name = ? AND slot_type = 'physical' AND NOT active AND NOT temporary";

  private ReplicationSlots() {}

  static Changes sync(Connection connection, Set<String> wanted) throws SQLException {
    for (String name : wanted) {
      if (!SlotName.isValid(name)) {
        throw new IllegalArgumentException("invalid replication slot name: '" + name + "'");
      }
    }
    Map<String, Boolean> physicalActive = new HashMap<>();
    Set<String> existing = new TreeSet<>();
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(LIST)) {
      while (rs.next()) {
        existing.add(rs.getString(1));
        if ("physical".equals(rs.getString(2))) {
          physicalActive.put(rs.getString(1), rs.getBoolean(3));
        }
      }
    }
    List<String> created = new ArrayList<>();
    for (String name : new TreeSet<>(wanted)) {
      if (!existing.contains(name) && execute(connection, CREATE, name, name)) {
        created.add(name);
      }
    }
    List<String> dropped = new ArrayList<>();
    for (Map.Entry<String, Boolean> slot : new HashMap<>(physicalActive).entrySet()) {
      if (!wanted.contains(slot.getKey()) && !slot.getValue() && execute(connection, DROP, slot.getKey())) {
        dropped.add(slot.getKey());
      }
    }
    dropped.sort(null);
    return new Changes(List.copyOf(created), List.copyOf(dropped));
  }

  /** True when the guarded statement matched a row, i.e. actually created or dropped a slot. */
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
