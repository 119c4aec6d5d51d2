package io.vigil.postgres;

/** A logical slot read from the primary, with the bytes of its {@code pg_replslot/<name>/state} file. */
public record CopiedSlot(String name, String database, String plugin, byte[] state) {}
