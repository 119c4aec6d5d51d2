package io.vigil.postgres;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** libpq keyword/value connection strings. */
final class Conninfo {

  private Conninfo() {}

  /** Patroni's keyword order (spec §4.3): these ssl settings come between the port and application_name. */
  private static final List<String> SSL_KEYS = List.of("sslcompression", "sslcert", "sslkey", "sslpassword",
      "sslrootcert", "sslcrl", "sslcrldir");

  /**
   * {@code primary_conninfo} for streaming from {@code host:port} (spec §4.3), keywords in
   * Patroni's order; {@code sslmode}, {@code gssencmode} and {@code channel_binding} default to
   * {@code prefer}, the other libpq settings of the replication user appear when set. The password is
   * never inlined: with a password the entry lives in the pgpass file and the string carries {@code passfile}.
   */
  static String primary(String host, int port, Credentials replication, Path pgpass, String applicationName) {
    Map<String, String> libpq = replication.libpq();
    List<String> parts = new ArrayList<>();
    if (!replication.username().isEmpty()) {
      parts.add(pair("user", replication.username()));
    }
    if (replication.hasPassword()) {
      parts.add(pair("passfile", pgpass.toString()));
    }
    parts.add(pair("host", host));
    parts.add(pair("port", Integer.toString(port)));
    parts.add(pair("sslmode", libpq.getOrDefault("sslmode", "prefer")));
    addSet(parts, libpq, SSL_KEYS);
    parts.add(pair("application_name", applicationName));
    addSet(parts, libpq, List.of("krbsrvname"));
    parts.add(pair("gssencmode", libpq.getOrDefault("gssencmode", "prefer")));
    parts.add(pair("channel_binding", libpq.getOrDefault("channel_binding", "prefer")));
    return String.join(" ", parts);
  }

  /**
   * {@code dbname=… user=… host=… port=…} and the user's libpq settings, for pg_basebackup's {@code --dbname};
   * no password (it is in the pgpass file).
   */
  static String dsn(String database, Credentials user, String host, int port) {
    List<String> parts = new ArrayList<>(List.of(pair("dbname", database), pair("user", user.username()),
        pair("host", host), pair("port", Integer.toString(port))));
    user.libpq().forEach((key, value) -> parts.add(pair(key, value)));
    return String.join(" ", parts);
  }

  /**
   * pg_rewind's {@code --source-server} (spec §4.1 #6): {@link #dsn} plus
   * {@code target_session_attrs=read-write}, so pg_rewind refuses a source that is not a primary.
   */
  static String rewindDsn(String database, Credentials user, String host, int port) {
    return dsn(database, user, host, port) + " " + pair("target_session_attrs", "read-write");
  }

  private static void addSet(List<String> parts, Map<String, String> libpq, List<String> keys) {
    for (String key : keys) {
      String value = libpq.get(key);
      if (value != null) {
        parts.add(pair(key, value));
      }
    }
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
