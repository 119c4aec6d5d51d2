package io.vigil.agent.durability;

import io.vigil.config.PostgresqlConfig;
import io.vigil.config.VigilConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The read-write endpoint the workload writes through: HAProxy with Vigil's health checks ({@code OPTIONS /primary},
 * the configuration made from scripts/haproxy.cfg.template), or pgjdbc's own multi-host failover
 * ({@code targetServerType=primary}).
 */
final class Endpoints {

  private Endpoints() {}

  /** Client timeouts: connect 2 s, login 3 s, a statement's answer 5 s. */
  static Properties clientProperties(PostgresqlConfig pg) {
    Properties p = new Properties();
    p.setProperty("user", pg.superuser().username());
    p.setProperty("password", pg.superuser().password());
    p.setProperty("connectTimeout", "2");
    p.setProperty("loginTimeout", "3");
    p.setProperty("socketTimeout", "5");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", "vigil-durability");
    return p;
  }

  static Workload.Endpoint jdbc(LocalCluster cluster) {
    PostgresqlConfig first = cluster.members.get(0).cfg.postgresql();
    String hosts = cluster.members.stream()
        .map(m -> m.cfg.postgresql().connectAddress().host() + ":" + m.cfg.postgresql().connectAddress().port())
        .collect(Collectors.joining(","));
    String url = "jdbc:postgresql://" + hosts + "/" + first.database()
        + "?targetServerType=primary&hostRecheckSeconds=1";
    Properties props = clientProperties(first);
    return new Workload.Endpoint() {
      @Override
      public Connection open() throws SQLException {
        return DriverManager.getConnection(url, props);
      }

      @Override
      public String describe() {
        return "jdbc " + url.replace("jdbc:postgresql://", "");
      }
    };
  }

  /** Where the HAProxy template is: given, or next to the jar's checkout ({@code agent/target/../../scripts}). */
  static Path template(Path given) {
    return given != null ? given : io.vigil.agent.haproxy.HaProxy.templateNextTo(LocalCluster.jar());
  }

  /** HAProxy as the workload's read-write endpoint, until {@link #close}. */
  static final class HaProxy implements Workload.Endpoint, AutoCloseable {
    private final io.vigil.agent.haproxy.HaProxy haproxy;
    private final Properties props;
    private final String database;

    private HaProxy(io.vigil.agent.haproxy.HaProxy haproxy, PostgresqlConfig pg) {
      this.haproxy = haproxy;
      this.props = clientProperties(pg);
      this.database = pg.database();
    }

    static HaProxy start(Path binary, Path template, LocalCluster cluster) throws IOException, InterruptedException {
      List<VigilConfig> members = cluster.members.stream().map(m -> m.cfg).toList();
      return new HaProxy(io.vigil.agent.haproxy.HaProxy.start(binary, template, members, cluster.dir,
          LocalCluster::freePort), members.get(0).postgresql());
    }

    @Override
    public Connection open() throws SQLException {
      return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + haproxy.readWritePort() + "/" + database,
          props);
    }

    @Override
    public String describe() {
      return "haproxy 127.0.0.1:" + haproxy.readWritePort() + " (OPTIONS /primary health checks)";
    }

    @Override
    public void close() throws InterruptedException {
      haproxy.close();
    }
  }
}
