package io.vigil.agent.daemon;

import io.vigil.agent.ha.Isoformat;
import io.vigil.agent.ha.PromotionCost;
import io.vigil.postgres.Lsn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@code /history} value (wire spec 1.7) from {@code pg_wal/<TLI>.history}: one line per
 * timeline switch; the newest gets the file time and the new leader's name, older lines keep what
 * the DCS already recorded for the same switch point.
 */
final class HistoryFile {

  private final Path dataDir;

  HistoryFile(Path dataDir) {
    this.dataDir = dataDir;
  }

  /**
   * @param cost what this node's promotion to {@code timeline} cost: appended to the newest line's reason, so that
   *             {@code vigilctl history} (and patronictl's) shows every failover's price
   */
  List<List<Object>> build(int timeline, List<List<Object>> known, String leaderName,
      java.util.Optional<PromotionCost> cost) {
    Path file = dataDir.resolve("pg_wal").resolve(String.format("%08X.history", timeline));
    List<String> lines;
    String mtime;
    try {
      lines = Files.readAllLines(file);
      mtime = Isoformat.of(OffsetDateTime.ofInstant(Files.getLastModifiedTime(file).toInstant(), ZoneId.systemDefault()));
    } catch (IOException e) {
      return known;
    }
    List<List<Object>> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.trim().split("\t");
      if (f.length < 2 || !f[0].chars().allMatch(Character::isDigit) || f[0].isEmpty()) {
        continue;
      }
      int parent = Integer.parseInt(f[0]);
      long lsn = Lsn.parse(f[1].trim()).value();
      String reason = f.length > 2 ? f[2].trim() : "";
      List<Object> entry = new ArrayList<>(List.of(parent, lsn, reason));
      known.stream()
          .filter(k -> k.size() == 5 && k.get(0) instanceof Number n && n.intValue() == parent
              && k.get(1) instanceof Number l && l.longValue() == lsn)
          .findFirst()
          .ifPresent(k -> {
            // keep what an earlier leader appended to PostgreSQL's reason: the cost of its promotion
            if (k.get(2) instanceof String recorded && recorded.startsWith(reason + "; ")) {
              entry.set(2, recorded);
            }
            entry.addAll(k.subList(3, 5));
          });
      out.add(entry);
    }
    if (!out.isEmpty()) {
      List<Object> newest = out.get(out.size() - 1);
      cost.ifPresent(c -> newest.set(2, newest.get(2) + "; " + c.describe()));
      if (newest.size() == 3) {
        newest.addAll(List.of(mtime, leaderName));
      }
    }
    return out;
  }
}
