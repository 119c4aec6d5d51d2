package io.vigil.agent.durability;

import io.vigil.config.PostgresqlConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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
    if (given != null) {
      return given;
    }
    return LocalCluster.jar().toAbsolutePath().getParent().resolve("../../scripts/haproxy.cfg.template").normalize();
  }

  /** {@code haproxy} on the PATH (or in /usr/sbin, where Debian puts it). */
  static Path haproxyBinary() {
    for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin").split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, "haproxy");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** HAProxy as a child process, until {@link #close}. */
  static final class HaProxy implements Workload.Endpoint, AutoCloseable {
    private final Process process;
    private final int port;
    private final Properties props;
    private final String database;

    private HaProxy(Process process, int port, PostgresqlConfig pg) {
      this.process = process;
      this.port = port;
      this.props = clientProperties(pg);
      this.database = pg.database();
    }

    /**
     * Writes haproxy.cfg from the template: the three members' addresses, the two listeners moved from *:5000 and
     * *:5001 to free loopback ports; starts {@code haproxy -db -f} and waits for the read-write listener.
     */
    static HaProxy start(Path binary, Path template, LocalCluster cluster) throws IOException, InterruptedException {
      if (cluster.members.size() != 3) {
        throw new IOException("the HAProxy template has three servers; this cluster has " + cluster.members.size());
      }
      String cfg = Files.readString(template);
      for (int i = 0; i < 3; i++) {
        var m = cluster.members.get(i).cfg;
        String n = "NODE" + (i + 1);
        cfg = cfg.replace(n + "_HOST", m.postgresql().connectAddress().host())
            .replace(n + "_PG_PORT", Integer.toString(m.postgresql().connectAddress().port()))
            .replace(n + "_REST_PORT", Integer.toString(m.restapi().connectAddress().port()));
      }
      int rw = LocalCluster.freePort();
      int ro = LocalCluster.freePort();
      if (!cfg.contains("bind *:5000") || !cfg.contains("bind *:5001")) {
        throw new IOException(template + " has no 'bind *:5000' / 'bind *:5001' lines to move to free ports");
      }
      cfg = cfg.replace("bind *:5000", "bind 127.0.0.1:" + rw).replace("bind *:5001", "bind 127.0.0.1:" + ro);
      Path file = cluster.dir.resolve("haproxy.cfg");
      Files.writeString(file, cfg);
      Process p = new ProcessBuilder(binary.toString(), "-db", "-f", file.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(cluster.dir.resolve("haproxy.log").toFile())).start();
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline) {
        if (!p.isAlive()) {
          throw new IOException("haproxy exited with status " + p.exitValue() + "; see " + cluster.dir.resolve("haproxy.log"));
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", rw), 500);
          return new HaProxy(p, rw, cluster.members.get(0).cfg.postgresql());
        } catch (IOException e) {
          Thread.sleep(100);
        }
      }
      p.destroyForcibly();
      throw new IOException("haproxy did not listen on 127.0.0.1:" + rw + " within 10 s");
    }

    @Override
    public Connection open() throws SQLException {
      return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }

    @Override
    public String describe() {
      return "haproxy 127.0.0.1:" + port + " (OPTIONS /primary health checks)";
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
