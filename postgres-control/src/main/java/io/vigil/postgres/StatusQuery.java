package io.vigil.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The per-cycle status query (spec §4.6): one statement, one round trip, so every field describes
 * the same moment. WAL senders come back as one two-dimensional text array instead of a second
 * query, for the same reason.
 */
final class StatusQuery {

  static final String SQL = """
      SELECT pg_catalog.pg_is_in_recovery(),
        CASE WHEN pg_catalog.pg_is_in_recovery() THEN 0
          ELSE ('x' || pg_catalog.substr(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8))::bit(32)::int END,
        CASE WHEN pg_catalog.pg_is_in_recovery() THEN 0
          ELSE pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), '0/0')::bigint END,
        pg_catalog.pg_wal_lsn_diff(COALESCE(pg_catalog.pg_last_wal_receive_lsn(), '0/0'), '0/0')::bigint,
        pg_catalog.pg_wal_lsn_diff(COALESCE(pg_catalog.pg_last_wal_replay_lsn(), '0/0'), '0/0')::bigint,
        pg_catalog.pg_is_in_recovery() AND pg_catalog.pg_is_wal_replay_paused(),
        pg_catalog.pg_postmaster_start_time(),
        pg_catalog.current_setting('server_version_num')::int,
        COALESCE(w.received_tli,
                 (SELECT pg_catalog.max(('x' || pg_catalog.substr(f.name, 1, 8))::bit(32)::int)
                    FROM pg_catalog.pg_ls_waldir() f WHERE f.name ~ '^[0-9A-F]{24}$'),
                 (pg_catalog.pg_control_checkpoint()).timeline_id),
        w.slot_name,
        w.conninfo,
        (SELECT pg_catalog.array_agg(ARRAY[r.usename::text, r.application_name, pg_catalog.host(r.client_addr),
                 r.state, r.sync_state, r.sync_priority::text,
                 pg_catalog.pg_wal_lsn_diff(r.write_lsn, '0/0')::bigint::text,
                 pg_catalog.pg_wal_lsn_diff(r.flush_lsn, '0/0')::bigint::text,
                 pg_catalog.pg_wal_lsn_diff(r.replay_lsn, '0/0')::bigint::text] ORDER BY r.pid)
           FROM pg_catalog.pg_stat_replication r),
        EXISTS (SELECT 1 FROM pg_catalog.pg_settings s WHERE s.pending_restart),
        pg_catalog.current_setting('synchronous_standby_names')
      FROM (SELECT 1) AS one LEFT JOIN pg_catalog.pg_stat_wal_receiver w ON true""";

  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private StatusQuery() {}

  static PgStatus run(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(SQL)) {
      if (!rs.next()) {
        throw new SQLException("status query returned no row");
      }
      int receivedTli = rs.getInt(9);
      return new PgStatus(
          rs.getBoolean(1),
          rs.getBoolean(1) ? receivedTli : rs.getInt(2),
          rs.getLong(3),
          rs.getLong(4),
          rs.getLong(5),
          rs.getBoolean(6),
          pythonStr(rs.getObject(7, OffsetDateTime.class), ZoneId.systemDefault()),
          rs.getInt(8),
          rs.getBoolean(13),
          Optional.ofNullable(rs.getString(10)),
          Optional.ofNullable(rs.getString(11)),
          replication(rs.getArray(12)),
          text(rs.getString(14)));
    }
  }

  private static List<ReplicationRow> replication(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    Object[] rows = (Object[]) array.getArray();
    List<ReplicationRow> result = new ArrayList<>(rows.length);
    for (Object row : rows) {
      Object[] f = (Object[]) row;
      result.add(new ReplicationRow(text(f[0]), text(f[1]), Optional.ofNullable((String) f[2]), text(f[3]),
          text(f[4]), f[5] == null ? 0 : Integer.parseInt((String) f[5]), lsn(f[6]), lsn(f[7]), lsn(f[8])));
    }
    return result;
  }

  private static long lsn(Object value) {
    return value == null ? 0 : Long.parseLong((String) value);
  }

  private static String text(Object value) {
    return value == null ? "" : (String) value;
  }

  /**
   * A timestamp as Python's {@code str(datetime)} prints it, which is what Patroni publishes:
   * {@code 2024-05-01 10:00:00.123456+00:00}, microseconds left out when zero.
   */
  static String pythonStr(OffsetDateTime time, ZoneId zone) {
    OffsetDateTime t = time.atZoneSameInstant(zone).toOffsetDateTime();
    StringBuilder out = new StringBuilder(SECONDS.format(t));
    int micros = t.getNano() / 1000;
    if (micros != 0) {
      out.append(String.format(Locale.ROOT, ".%06d", micros));
    }
    int offset = t.getOffset().getTotalSeconds();
    int abs = Math.abs(offset);
    out.append(offset < 0 ? '-' : '+')
        .append(String.format(Locale.ROOT, "%02d:%02d", abs / 3600, (abs / 60) % 60));
    if (abs % 60 != 0) {
      out.append(String.format(Locale.ROOT, ":%02d", abs % 60));
    }
    return out.toString();
  }
}
