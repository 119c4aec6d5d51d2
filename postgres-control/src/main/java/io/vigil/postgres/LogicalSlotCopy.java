package io.vigil.postgres;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies logical slots from the primary to a stopped replica the way Patroni does: a standby cannot create a logical
 * slot (PostgreSQL before 16), but it accepts the primary's on-disk slot state, which it can then advance.
 */
final class LogicalSlotCopy {

  private static final String READ = """
      SELECT s.slot_name, d.datname, s.plugin,
             pg_catalog.pg_read_binary_file('pg_replslot/' || s.slot_name || '/state')
        FROM pg_catalog.pg_get_replication_slots() s JOIN pg_catalog.pg_database d ON s.datoid = d.oid
       WHERE NOT pg_catalog.pg_is_in_recovery() AND s.slot_type = 'logical' AND s.slot_name = ANY(?)""";

  private LogicalSlotCopy() {}

  /** The wanted slots as the primary has them; a slot whose database or plugin differs there is left out. */
  static List<CopiedSlot> read(Connection primary, List<SlotSpec> wanted) throws SQLException {
    List<CopiedSlot> out = new ArrayList<>();
    Array names = primary.createArrayOf("text", wanted.stream().map(SlotSpec::name).toArray());
    try (PreparedStatement ps = primary.prepareStatement(READ)) {
      ps.setArray(1, names);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          CopiedSlot c = new CopiedSlot(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBytes(4));
          boolean same = wanted.stream().anyMatch(w -> w.name().equals(c.name()) && w.database().equals(c.database())
              && w.plugin().equals(c.plugin()));
          if (same) {
            out.add(c);
          }
        }
      }
    }
    return out;
  }

  /**
   * Writes each slot to {@code pg_replslot/<name>.tmp/state}, syncs it, and renames the directory into place (after
   * removing an old one), as PostgreSQL itself saves slots, so that a crash leaves either the old slot or the new.
   */
  static void write(Path dataDir, List<CopiedSlot> slots, OwnedFiles files) throws IOException {
    Path replslot = dataDir.resolve("pg_replslot");
    for (CopiedSlot slot : slots) {
      Path dir = replslot.resolve(slot.name());
      Path tmp = replslot.resolve(slot.name() + ".tmp");
      deleteTree(tmp);
      files.createDirectory(tmp, OwnedFiles.OWNER_ONLY_DIR);
      Path state = tmp.resolve("state");
      Files.write(state, slot.state());
      Files.setPosixFilePermissions(state, OwnedFiles.OWNER_ONLY_FILE);
      files.chown(state);
      fsync(state);
      fsync(tmp);
      deleteTree(dir);
      Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      fsync(dir);
    }
    fsync(replslot);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      OwnedFiles.deleteContents(dir);
      Files.delete(dir);
    }
  }

  private static void fsync(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
