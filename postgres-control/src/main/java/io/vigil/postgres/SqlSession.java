package io.vigil.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The agent's own connection to its local PostgreSQL, kept open between cycles.
 *
 * <p>A kept connection goes stale whenever PostgreSQL restarts, so a failed call is retried once
 * on a fresh connection before it is reported; a second failure is real. Timeouts keep a hung
 * server from stalling the HA loop: 3 s to connect, 2 s per statement on the server, and a socket
 * timeout above that for a server that stopped answering altogether. Calls are serialized: the HA
 * loop and the REST API may ask at the same time, and a JDBC connection is not for concurrent use.
 */
final class SqlSession implements AutoCloseable {

  static final int CONNECT_TIMEOUT_SECONDS = 3;
  static final int STATEMENT_TIMEOUT_MILLIS = 2000;
  private static final int SOCKET_TIMEOUT_SECONDS = 10;

  /** A unit of work on the connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final String url;
  private final Credentials user;
  private final int statementTimeoutMillis;
  private Connection connection;

  SqlSession(String host, int port, String database, Credentials user) {
    this(url(host, port, database), user, STATEMENT_TIMEOUT_MILLIS);
  }

  private SqlSession(String url, Credentials user, int statementTimeoutMillis) {
    this.url = url;
    this.user = user;
    this.statementTimeoutMillis = statementTimeoutMillis;
  }

  private static String url(String host, int port, String database) {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + port + "/"
        + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A separate session whose statements may run as long as they need (CHECKPOINT on a busy server). */
  SqlSession withoutStatementTimeout() {
    return new SqlSession(url, user, 0);
  }

  synchronized <T> T call(String what, Work<T> work) throws PostgresException {
    boolean reused = connection != null;
    try {
      return work.run(connection());
    } catch (SQLException first) {
      closeQuietly();
      if (!reused) {
        throw failure(what, first);
      }
      try {
        return work.run(connection());
      } catch (SQLException second) {
        closeQuietly();
        throw failure(what, second);
      }
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      Properties p = new Properties();
      p.setProperty("user", user.username());
      if (user.hasPassword()) {
        p.setProperty("password", user.password());
      }
      p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
      p.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
      p.setProperty("socketTimeout", statementTimeoutMillis == 0 ? "0" : Integer.toString(SOCKET_TIMEOUT_SECONDS));
      p.setProperty("ApplicationName", "Vigil");
      JdbcOptions.of(user.libpq()).forEach(p::setProperty);
      p.setProperty("options", "-c statement_timeout=" + statementTimeoutMillis + " -c search_path=pg_catalog");
      connection = DriverManager.getConnection(url, p);
      connection.setAutoCommit(true);
    }
    return connection;
  }

  private void closeQuietly() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // the connection is being discarded because it is broken; nothing left to report
      }
      connection = null;
    }
  }

  private PostgresException failure(String what, SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    return new PostgresException(what + " failed on " + url + ": " + message.replaceAll("\\s*\\R\\s*", " "), e);
  }
}
