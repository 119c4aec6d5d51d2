package io.vigil.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates or alters login roles the way Patroni's post-bootstrap does (spec §3.8): a {@code DO}
 * block that runs ALTER ROLE when the role exists and CREATE ROLE otherwise, committed with
 * {@code synchronous_commit=local} (no synchronous standby exists yet to wait for) and with
 * statement logging off for the transaction so the password never reaches the server log.
 */
final class Roles {

  private static final List<String> QUIET = List.of(
      "SET LOCAL log_statement = 'none'",
      "SET LOCAL log_min_duration_statement = -1",
      "SET LOCAL log_min_error_statement = 'panic'",
      "SET LOCAL pg_stat_statements.track_utility = 'off'",
      "SET LOCAL synchronous_commit = 'local'");

  private Roles() {}

  static void ensure(Connection connection, Credentials role, List<String> options) throws SQLException {
    String sql = upsertBlock(role, options);
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement st = connection.createStatement()) {
      for (String set : QUIET) {
        st.execute(set);
      }
      st.execute(sql);
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /** {@code DO $tag$ ... $tag$} with options such as {@code SUPERUSER}; LOGIN added, PASSWORD added when set. */
  static String upsertBlock(Credentials role, List<String> options) {
    List<String> all = new ArrayList<>(options);
    all.add("LOGIN");
    if (role.hasPassword()) {
      all.add("PASSWORD " + literal(role.password()));
    }
    String body = "\nBEGIN\n"
        + "    PERFORM * FROM pg_catalog.pg_authid WHERE rolname = " + literal(role.username()) + ";\n"
        + "    IF FOUND THEN\n"
        + "        ALTER ROLE " + identifier(role.username()) + " WITH " + String.join(" ", all) + ";\n"
        + "    ELSE\n"
        + "        CREATE ROLE " + identifier(role.username()) + " WITH " + String.join(" ", all) + ";\n"
        + "    END IF;\n"
        + "END;";
    String tag = dollarTag(body);
    return "DO " + tag + body + tag;
  }

  /** A dollar-quote tag that does not occur in {@code body}; a password may contain {@code $$}. */
  static String dollarTag(String body) {
    String tag = "$vigil$";
    for (int i = 1; body.contains(tag); i++) {
      tag = "$vigil" + i + "$";
    }
    return tag;
  }

  /** A string literal that means the same whatever standard_conforming_strings says. */
  static String literal(String value) {
    String doubled = value.replace("'", "''");
    return value.indexOf('\\') >= 0 ? "E'" + doubled.replace("\\", "\\\\") + "'" : "'" + doubled + "'";
  }

  static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
