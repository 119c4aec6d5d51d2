package io.vigil.postgres;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's own connections go through pgjdbc, not libpq: the user's libpq settings under pgjdbc's names.
 * pgjdbc has no certificate revocation lists ({@code sslcrl}, {@code sslcrldir}) nor {@code sslcompression};
 * those still apply to everything that runs libpq (replication, pg_basebackup, pg_rewind).
 */
final class JdbcOptions {

  private static final Map<String, String> NAMES = Map.of(
      "sslmode", "sslmode",
      "sslcert", "sslcert",
      "sslkey", "sslkey",
      "sslpassword", "sslpassword",
      "sslrootcert", "sslrootcert",
      "gssencmode", "gssEncMode",
      "channel_binding", "channelBinding",
      "krbsrvname", "kerberosServerName");

  private JdbcOptions() {}

  static Map<String, String> of(Map<String, String> libpq) {
    Map<String, String> jdbc = new LinkedHashMap<>();
    libpq.forEach((key, value) -> {
      String name = NAMES.get(key);
      if (name != null) {
        jdbc.put(name, value);
      }
    });
    return jdbc;
  }
}
