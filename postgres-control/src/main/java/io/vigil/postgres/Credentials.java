package io.vigil.postgres;

import java.util.Objects;

/**
 * A database role and its password.
 *
 * @param username role name
 * @param password the password, {@code ""} when the role has none (authentication is then up to
 *                 pg_hba.conf, e.g. trust or peer)
 */
public record Credentials(String username, String password) {

  public Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  public boolean hasPassword() {
    return !password.isEmpty();
  }

  /** Never prints the password: settings and credentials end up in log lines. */
  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=" + (hasPassword() ? "***" : "") + "]";
  }
}
