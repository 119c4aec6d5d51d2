package io.vigil.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What is in the configured data directory, as far as deciding between bootstrap, clone and start goes. */
public enum DataDirectory {
  /** The directory does not exist or has no entries at all; initdb or pg_basebackup may fill it. */
  MISSING_OR_EMPTY("missing or empty"),
  /** {@code global/pg_control} and {@code PG_VERSION} exist: a cluster lives here and must not be wiped implicitly. */
  INITIALIZED("already initialized"),
  /**
   * Anything else: not a directory, unreadable, or non-empty without a cluster in it (for example
   * a crashed clone or a mount point's {@code lost+found}). Neither initdb nor pg_basebackup
   * accepts such a directory, and guessing whether it may be removed is not this module's call.
   */
  NOT_ACCESSIBLE("not accessible, or not empty without a cluster in it");

  private final String description;

  DataDirectory(String description) {
    this.description = description;
  }

  String description() {
    return description;
  }

  static DataDirectory of(Path dir) {
    try {
      if (Files.notExists(dir)) {
        return MISSING_OR_EMPTY;
      }
      if (!Files.isDirectory(dir)) {
        return NOT_ACCESSIBLE;
      }
      if (Files.isRegularFile(dir.resolve("global").resolve("pg_control"))
          && Files.isRegularFile(dir.resolve("PG_VERSION"))) {
        return INITIALIZED;
      }
      try (Stream<Path> entries = Files.list(dir)) {
        return entries.findAny().isPresent() ? NOT_ACCESSIBLE : MISSING_OR_EMPTY;
      }
    } catch (IOException | SecurityException e) {
      return NOT_ACCESSIBLE;
    }
  }

  static void requireInitialized(Path dir, String action) throws PostgresException {
    DataDirectory state = of(dir);
    if (state != INITIALIZED) {
      throw new PostgresException("cannot " + action + ": data directory " + dir + " is " + state.description());
    }
  }
}
