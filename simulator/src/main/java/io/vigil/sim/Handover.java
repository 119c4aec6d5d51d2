package io.vigil.sim;

/**
 * A planned switchover in progress: the lock holder {@code from} stopped cleanly for {@code candidate}, and
 * {@code finalWal} is everything it wrote, up to its shutdown checkpoint (the LSN it published as its last
 * {@code /status} optime). Nothing can be written after that, so the candidate has no reason to lose any of it.
 */
record Handover(String from, String candidate, WalHistory finalWal) {

  /** Bytes of the final WAL missing from {@code wal} (compared by content, so WAL of another writer does not count). */
  long missingFrom(WalHistory wal) {
    return finalWal.end() - finalWal.commonPrefix(wal);
  }
}
