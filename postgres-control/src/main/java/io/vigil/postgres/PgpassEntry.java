package io.vigil.postgres;

import java.util.Objects;

/**
 * One line of a libpq password file. Fields are written as given; {@code "*"} is a wildcard and an
 * empty field is written as {@code "*"} too.
 */
public record PgpassEntry(String host, String port, String database, String user, String password) {

  public PgpassEntry {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "PgpassEntry[" + host + ":" + port + ":" + database + ":" + user + ":***]";
  }
}
