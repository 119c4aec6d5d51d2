package io.vigil.agent.cli;

import io.vigil.dcs.MemberNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigilctl query}: runs SQL on the leader, a member in a role, or a named member, over pgjdbc to the
 * address in its {@code conn_url}; prints the last result set like patronictl (tab-separated with a header by
 * default). The user defaults to the configuration's superuser; {@code --password} asks for a password.
 */
@Command(mixinStandardHelpOptions = true, name = "query", description = "Query a Patroni PostgreSQL member")
final class QueryCommand implements Callable<Integer> {

  @ParentCommand VigilCtl ctl;

  @Parameters(arity = "0..1", paramLabel = "CLUSTER_NAME") String clusterName;

  @Option(names = {"-r", "--role"}, description = "The role of the query") String role;

  @Option(names = {"-m", "--member"}, description = "Query a specific member") String member;

  @Option(names = {"-c", "--command"}, description = "The SQL commands to execute") String command;

  @Option(names = {"-f", "--file"}, description = "Execute the SQL commands from this file") Path file;

  @Option(names = {"-U", "--username"}, description = "database user name") String username;

  @Option(names = {"-d", "--dbname"}, description = "database name to connect to") String dbname;

  @Option(names = "--password", description = "force password prompt") boolean askPassword;

  @Option(names = "--format", defaultValue = "tsv", description = "Output format (pretty, tsv, json, yaml)")
  String format;

  @Option(names = "--delimiter", defaultValue = "\t", description = "The column delimiter") String delimiter;

  @Override
  public Integer call() throws Exception {
    if (role != null && member != null) {
      throw CtlException.usage("--role and --member are mutually exclusive options");
    }
    if (file != null && command != null) {
      throw CtlException.usage("--file and --command are mutually exclusive options");
    }
    if (file == null && command == null) {
      throw CtlException.usage("You need to specify either --command or --file");
    }
    String sql = command != null ? command : Files.readString(file, StandardCharsets.UTF_8);
    String wanted = role == null && member == null ? "leader" : role;
    try (Target t = ctl.target(clusterName)) {
      MemberNode m = Members.any(t.read(), wanted, member).orElseThrow(() -> new CtlException(member != null
          ? "No connection to member " + member + " is available" : "No connection to role=" + wanted + " is available"));
      var address = m.pgAddress().orElseThrow(() -> new CtlException("member " + m.name() + " has no conn_url"));
      String[] superuser = t.superuser();
      String user = username != null ? username : superuser[0];
      String password = askPassword ? ctl.term.password("Password") : username == null ? superuser[1] : null;
      Properties props = new Properties();
      props.setProperty("user", user);
      if (password != null) {
        props.setProperty("password", password);
      }
      props.setProperty("connectTimeout", "5");
      props.setProperty("ApplicationName", "Patroni ctl");
      String url = "jdbc:postgresql://" + hostForUrl(address.host()) + ":" + address.port() + "/"
          + (dbname != null ? dbname : user);
      try (Connection c = DriverManager.getConnection(url, props); Statement s = c.createStatement()) {
        c.setAutoCommit(true);
        if (wanted != null && !"any".equals(wanted)) {
          try (ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_is_in_recovery()")) {
            rs.next();
            boolean replica = rs.getBoolean(1);
            boolean wantReplica = Set.of("replica", "standby").contains(wanted);
            if (replica != wantReplica) {
              throw new CtlException("No connection to role=" + wanted + " is available");
            }
          }
        }
        print(s, sql);
      } catch (SQLException e) {
        throw new CtlException("ERROR, SQLSTATE: " + (e.getSQLState() != null ? e.getSQLState() + " " : "")
            + String.valueOf(e.getMessage()).replace('\n', ' '));
      }
    }
    return 0;
  }

  private void print(Statement s, String sql) throws SQLException {
    boolean isResult = s.execute(sql);
    List<String> columns = null;
    List<List<Object>> rows = null;
    while (true) {
      if (isResult) {
        try (ResultSet rs = s.getResultSet()) {
          ResultSetMetaData md = rs.getMetaData();
          columns = new ArrayList<>();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(md.getColumnLabel(i));
          }
          rows = new ArrayList<>();
          while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
              row.add(cell(rs, i, md.getColumnType(i)));
            }
            rows.add(row);
          }
        }
      } else if (s.getUpdateCount() == -1) {
        break;
      }
      isResult = s.getMoreResults();
    }
    if (columns != null) {
      String fmt = Output.FORMATS.contains(format) ? format : "tsv";
      Output.print(ctl.term.out, columns, rows, Set.of(), fmt, null, delimiter);
    }
  }

  private static Object cell(ResultSet rs, int i, int type) throws SQLException {
    Object v = rs.getObject(i);
    if (v == null) {
      return null;
    }
    if (type == Types.BOOLEAN || type == Types.BIT) {
      return rs.getBoolean(i);
    }
    if (v instanceof Number) {
      return v;
    }
    return rs.getString(i);
  }

  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
