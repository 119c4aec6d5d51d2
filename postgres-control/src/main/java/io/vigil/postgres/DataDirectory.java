package io.vigil.postgres;

/** What is in the configured data directory, as far as deciding between bootstrap, clone and start goes. */
public enum DataDirectory {
  /** The directory does not exist or has no entries at all; initdb or pg_basebackup may fill it. */
  MISSING_OR_EMPTY,
  /** {@code global/pg_control} and {@code PG_VERSION} exist: a cluster lives here and must not be wiped implicitly. */
  INITIALIZED,
  /**
   * Anything else: not a directory, unreadable, or non-empty without a cluster in it (for example
   * a crashed clone or a mount point's {@code lost+found}). Neither initdb nor pg_basebackup
   * accepts such a directory, and guessing whether it may be removed is not this module's call.
   */
  NOT_ACCESSIBLE
}
