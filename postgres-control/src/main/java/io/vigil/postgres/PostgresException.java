package io.vigil.postgres;

/**
 * A PostgreSQL operation failed. The message is one human-readable line that names what was tried
 * and, for commands, the tail of what the command printed.
 */
public final class PostgresException extends Exception {

  public PostgresException(String message) {
    super(message);
  }

  public PostgresException(String message, Throwable cause) {
    super(message, cause);
  }
}
