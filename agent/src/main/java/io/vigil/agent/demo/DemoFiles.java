package io.vigil.agent.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The demo's own directory: created fresh (a previous demo's directory, recognised by its marker
 * file, is wiped; anything else non-empty is refused), with one patroni.yml per node. When the demo
 * runs as root, PostgreSQL runs as {@code postgres}, so the node directories belong to that user.
 */
final class DemoFiles {

  private static final String PG_BIN = "/usr/lib/postgresql/15/bin";
  private final Path dir;
  private final boolean root = "root".equals(System.getProperty("user.name"));

  private DemoFiles(Path dir) {
    this.dir = dir;
  }

  static DemoFiles prepare(Path dir, String marker) throws Demo.DemoException {
    try {
      if (Files.isDirectory(dir) && !Demo.isEmptyDir(dir)) {
        if (!Files.exists(dir.resolve(marker))) {
          throw new Demo.DemoException(dir + " exists and is not a Vigil demo directory; remove it or use --dir");
        }
        try (Stream<Path> s = Files.walk(dir)) {
          for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(dir.resolve(marker), "directory of a `vigil demo` cluster; wiped by the next demo run\n");
    } catch (IOException e) {
      throw new Demo.DemoException(dir + ": " + e.getMessage());
    }
    return new DemoFiles(dir);
  }

  Path writeNodeConfig(String name, String zk, int restPort, int pgPort) throws Demo.DemoException {
    Path nodeDir = dir.resolve(name);
    String yml = """
        scope: %1$s
        namespace: /service/
        name: %2$s
        restapi:
          listen: 127.0.0.1:%3$d
          connect_address: 127.0.0.1:%3$d
        zookeeper:
          hosts:
          - %4$s
        bootstrap:
          dcs:
            ttl: 20
            loop_wait: 5
            retry_timeout: 5
            maximum_lag_on_failover: 1048576
            postgresql:
              use_pg_rewind: true
              use_slots: true
              parameters:
                wal_level: replica
                hot_standby: 'on'
                max_wal_senders: 10
                max_replication_slots: 10
                wal_log_hints: 'on'
          initdb:
          - encoding: UTF8
          - locale: C.UTF-8
          - data-checksums
          pg_hba:
          - local all all trust
          - host replication replicator 127.0.0.1/32 md5
          - host all all 127.0.0.1/32 md5
        postgresql:
          listen: 127.0.0.1:%5$d
          connect_address: 127.0.0.1:%5$d
          data_dir: %6$s/data
          bin_dir: %7$s
          pgpass: %6$s/pgpass
          authentication:
            replication:
              username: replicator
              password: vigil-demo-repl
            superuser:
              username: postgres
              password: vigil-demo-su
          parameters:
            unix_socket_directories: '%6$s'
            shared_buffers: 32MB
        # three nodes on one machine: a kernel watchdog would reset all of them; each node's fence stays on
        watchdog:
          mode: 'off'
        """.formatted(Demo.SCOPE, name, restPort, zk, pgPort, nodeDir, PG_BIN);
    try {
      Files.createDirectories(nodeDir);
      Path file = nodeDir.resolve("patroni.yml");
      Files.writeString(file, yml);
      if (root) {
        chownToPostgres(nodeDir);
      }
      return file;
    } catch (IOException e) {
      throw new Demo.DemoException(nodeDir + ": " + e.getMessage());
    }
  }

  private static void chownToPostgres(Path p) throws IOException {
    UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(p, users.lookupPrincipalByName("postgres"));
    Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(users.lookupPrincipalByGroupName("postgres"));
  }
}
