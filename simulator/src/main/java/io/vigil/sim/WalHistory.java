package io.vigil.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The content of one data directory's WAL, as far as HA cares: which writer produced each byte range.
 * A segment starts whenever a server begins writing as a primary (bootstrap, promotion to a new
 * timeline, or a start as primary on the same timeline); its {@code generation} is unique in the run.
 * Two histories agree on a byte exactly when the same generation wrote it. PostgreSQL itself only
 * compares timeline numbers, so the simulator can tell a timeline fork PostgreSQL refuses to stream
 * from (divergence) from one it would silently stream (corruption).
 */
final class WalHistory {

  record Segment(int timeline, long start, long generation) {}

  private final List<Segment> segments;
  private final long end;

  private WalHistory(List<Segment> segments, long end) {
    this.segments = segments;
    this.end = end;
  }

  /** initdb: timeline 1, WAL starting at {@code start}. */
  static WalHistory initdb(long generation, long start) {
    return new WalHistory(List.of(new Segment(1, start, generation)), start);
  }

  long end() {
    return end;
  }

  /** The timeline of the newest WAL: what {@code pg_control} and the walreceiver report. */
  int timeline() {
    return segments.get(segments.size() - 1).timeline();
  }

  WalHistory append(long bytes) {
    return new WalHistory(segments, end + bytes);
  }

  /** A server starts writing here as a new writer, on {@code timeline}. */
  WalHistory branch(int timeline, long generation) {
    List<Segment> next = new ArrayList<>(segments);
    next.add(new Segment(timeline, end, generation));
    return new WalHistory(List.copyOf(next), end);
  }

  /** This history cut at {@code lsn} (a replica that received this much of it). */
  WalHistory prefix(long lsn) {
    if (lsn > end) {
      throw new IllegalArgumentException("prefix " + lsn + " beyond end " + end);
    }
    int keep = 1;
    while (keep < segments.size() && segments.get(keep).start() <= lsn) {
      keep++;
    }
    return new WalHistory(keep == segments.size() ? segments : List.copyOf(segments.subList(0, keep)), lsn);
  }

  /** The first byte on which the two histories differ (or the shorter end): everything before it is shared. */
  long commonPrefix(WalHistory other) {
    int n = Math.min(segments.size(), other.segments.size());
    for (int i = 0; i < n; i++) {
      Segment a = segments.get(i);
      Segment b = other.segments.get(i);
      if (a.generation() != b.generation() || a.start() != b.start()) {
        return Math.min(Math.min(a.start(), b.start()), Math.min(end, other.end));
      }
      long aEnd = i + 1 < segments.size() ? segments.get(i + 1).start() : end;
      long bEnd = i + 1 < other.segments.size() ? other.segments.get(i + 1).start() : other.end;
      if (aEnd != bEnd) {
        return Math.min(aEnd, bEnd);
      }
    }
    return Math.min(end, other.end);
  }

  /**
   * PostgreSQL's own check before streaming to a standby whose WAL ends at {@code position} on
   * {@code timeline}: the same timeline streams (whatever the content); an older timeline streams only
   * if it is in this server's history and the standby has not gone past the point where this server
   * switched away from it; anything else is refused ("requested timeline is not in this server's history",
   * "requested starting point is ahead of the switch point").
   */
  boolean servesStandbyAt(int timeline, long position) {
    int mine = timeline();
    if (timeline == mine) {
      return true;
    }
    if (timeline > mine) {
      return false;
    }
    boolean inHistory = false;
    for (Segment s : segments) {
      if (s.timeline() == timeline) {
        inHistory = true;
      } else if (inHistory && s.timeline() > timeline) {
        return position <= s.start();
      }
    }
    return false;
  }

  /**
   * The timeline switches of the current timeline's ancestry, as {@code pg_wal/<TLI>.history} lists
   * them: {@code [parent timeline, switch LSN]}.
   */
  List<long[]> switches() {
    List<long[]> out = new ArrayList<>();
    for (int i = 1; i < segments.size(); i++) {
      Segment prev = segments.get(i - 1);
      Segment s = segments.get(i);
      if (s.timeline() > prev.timeline()) {
        out.add(new long[] {prev.timeline(), s.start()});
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "tl" + timeline() + "@" + end;
  }
}
