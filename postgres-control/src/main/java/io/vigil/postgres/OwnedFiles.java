package io.vigil.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Creates and writes files that PostgreSQL must own. When the agent runs as root and PostgreSQL as
 * another user, a file the agent writes would belong to root, and PostgreSQL (or libpq, for a 0600
 * password file) could not read it; every file and directory created here is therefore handed to
 * the run-as user and its primary group.
 */
final class OwnedFiles {

  static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

  private final Optional<String> runAsUser;
  private UserPrincipal owner;
  private GroupPrincipal group;

  OwnedFiles(Optional<String> runAsUser) {
    this.runAsUser = runAsUser;
  }

  /**
   * Creates {@code dir} and any missing parents, handing each created one to the run-as user, and
   * gives {@code dir} itself the run-as owner and {@code permissions} even if it already existed.
   */
  void createDirectory(Path dir, Set<PosixFilePermission> permissions) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
      missing.push(p);
    }
    while (!missing.isEmpty()) {
      Path created = Files.createDirectory(missing.pop());
      chown(created);
    }
    chown(dir);
    Files.setPosixFilePermissions(dir, permissions);
  }

  /** Replaces {@code file} atomically (write a sibling, then rename) so PostgreSQL never reads half a file. */
  void write(Path file, String content, Set<PosixFilePermission> permissions) throws IOException {
    write(file, content.getBytes(StandardCharsets.UTF_8), permissions);
  }

  /** Replaces {@code file} atomically with exactly these bytes. */
  void write(Path file, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    try {
      Files.write(temp, content);
      Files.setPosixFilePermissions(temp, permissions);
      chown(temp);
      try {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Gives {@code path} to the run-as user and its primary group; no-op without a run-as user. */
  void chown(Path path) throws IOException {
    if (runAsUser.isEmpty()) {
      return;
    }
    resolvePrincipals(path);
    PosixFileAttributeView view =
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    view.setOwner(owner);
    view.setGroup(group);
  }

  /** Deletes everything inside {@code dir} but not {@code dir} itself, which may be a mount point. Symlinks are removed, not followed. */
  static void deleteContents(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException failure) throws IOException {
        if (failure != null) {
          throw failure;
        }
        if (!d.equals(dir)) {
          Files.delete(d);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private synchronized void resolvePrincipals(Path any) throws IOException {
    if (owner != null) {
      return;
    }
    String user = runAsUser.orElseThrow();
    UserPrincipalLookupService lookup = any.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal u = lookup.lookupPrincipalByName(user);
    group = lookup.lookupPrincipalByGroupName(primaryGroup(user));
    owner = u;
  }

  /** The user's primary group name, asked from NSS through {@code id} so LDAP/SSSD users work too. */
  private static String primaryGroup(String user) throws IOException {
    try {
      ProcessRunner.Result r = ProcessRunner.run(List.of(PgCommand.system("id"), "-gn", user), Map.of(), Duration.ofSeconds(10));
      if (!r.ok() || r.stdout().isBlank()) {
        throw new IOException("cannot find the primary group of user " + user + ": " + r.outputTail(1));
      }
      return r.stdout().strip();
    } catch (PostgresException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
