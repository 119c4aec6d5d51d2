package io.vigil.postgres;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * Real PostgreSQL 15 for tests. As root (CI) every binary runs as the {@code postgres} OS user,
 * and test directories are handed to that user; otherwise binaries run directly.
 */
final class TestPg {

  static final Path BIN = Path.of(System.getProperty("pg.bin", "/usr/lib/postgresql/15/bin"));
  static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  static final Optional<String> RUN_AS = ROOT ? Optional.of("postgres") : Optional.empty();

  private TestPg() {}

  /** A free TCP port on the loopback interface, never 5432. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A 0755 temp directory owned by the run-as user: PostgreSQL must traverse it and create its socket there. */
  static Path baseDir(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    if (ROOT) {
      UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
      view.setOwner(lookup.lookupPrincipalByName("postgres"));
      view.setGroup(lookup.lookupPrincipalByGroupName("postgres"));
    }
    return dir;
  }

  static PostgresSettings settings(Path base, String member, int port, Credentials superuser, Credentials replication) {
    return new PostgresSettings(base.resolve(member), Optional.of(BIN), "127.0.0.1", port, "127.0.0.1", port,
        base.resolve(member + ".pgpass"), "postgres", superuser, replication, "vigil-test", member, RUN_AS,
        Duration.ofSeconds(30));
  }

  static Connection connect(PostgresSettings s) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", s.superuser().username());
    p.setProperty("password", s.superuser().password());
    p.setProperty("connectTimeout", "3");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + s.port() + "/postgres", p);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
