package io.vigil.postgres;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A database role, its password, and the libpq settings its connections use.
 *
 * @param username role name
 * @param password the password, {@code ""} when the role has none (authentication is then up to
 *                 pg_hba.conf, e.g. trust or peer)
 * @param libpq    libpq keywords for this role's connections ({@code sslmode}, {@code sslcert}, {@code sslkey},
 *                 {@code sslrootcert}, …, {@code krbsrvname}) in the order they are written, only those set
 */
public record Credentials(String username, String password, Map<String, String> libpq) {

  public Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    libpq = Collections.unmodifiableMap(new LinkedHashMap<>(libpq));
  }

  public Credentials(String username, String password) {
    this(username, password, Map.of());
  }

  public boolean hasPassword() {
    return !password.isEmpty();
  }

  /** Never prints the password (nor {@code sslpassword}): settings and credentials end up in log lines. */
  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=" + (hasPassword() ? "***" : "") + ", libpq="
        + libpq.keySet() + "]";
  }
}
