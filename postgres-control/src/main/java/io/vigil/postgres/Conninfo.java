package io.vigil.postgres;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** libpq keyword/value connection strings. */
final class Conninfo {

  private Conninfo() {}

  /**
   * {@code primary_conninfo} for streaming from {@code host:port} (spec §4.3), keywords in
   * Patroni's order. The password is never inlined: with a password the entry lives in the
   * pgpass file and the string carries {@code passfile}.
   */
  static String primary(String host, int port, Credentials replication, Path pgpass, String applicationName) {
    List<String> parts = new ArrayList<>();
    if (!replication.username().isEmpty()) {
      parts.add(pair("user", replication.username()));
    }
    if (replication.hasPassword()) {
      parts.add(pair("passfile", pgpass.toString()));
    }
    parts.add(pair("host", host));
    parts.add(pair("port", Integer.toString(port)));
    parts.add(pair("sslmode", "prefer"));
    parts.add(pair("application_name", applicationName));
    parts.add(pair("gssencmode", "prefer"));
    parts.add(pair("channel_binding", "prefer"));
    return String.join(" ", parts);
  }

  /** {@code dbname=… user=… host=… port=…} for pg_basebackup's {@code --dbname}; no password (it is in the pgpass file). */
  static String dsn(String database, String user, String host, int port) {
    return String.join(" ", pair("dbname", database), pair("user", user), pair("host", host),
        pair("port", Integer.toString(port)));
  }

  /**
   * pg_rewind's {@code --source-server} (spec §4.1 #6): {@code dbname user host port} plus
   * {@code target_session_attrs=read-write}, so pg_rewind refuses a source that is not a primary.
   */
  static String rewindDsn(String database, String user, String host, int port) {
    return dsn(database, user, host, port) + " " + pair("target_session_attrs", "read-write");
  }

  /** Backslash before quote, backslash and space, as Patroni's format_dsn does; libpq unescapes unquoted values this way. */
  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      if (c == '\'' || c == '\\' || c == ' ') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static String pair(String key, String value) {
    return key + "=" + escape(value);
  }
}
