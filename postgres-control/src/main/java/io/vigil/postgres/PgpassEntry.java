package io.vigil.postgres;

import java.util.Objects;

/**
 * One line of a libpq password file. Fields are written as given; {@code "*"} is a wildcard, and an
 * empty host, port, database or user is written as {@code "*"} too. An entry with an empty
 * password is not written at all (there is nothing for libpq to supply).
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
