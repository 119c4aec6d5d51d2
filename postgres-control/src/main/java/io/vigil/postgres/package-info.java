/**
 * Control of the local PostgreSQL 15 instance: data directory, configuration files, the postmaster
 * process, base backups, status queries and replication slots.
 *
 * <p>Entry point: {@link io.vigil.postgres.LocalPostgres}. The module takes plain parameters
 * ({@link io.vigil.postgres.PostgresSettings}) and depends on no other Vigil module. Files and
 * commands follow Patroni 3.0.2 (patroni-wire-spec §4) so that a Vigil node can replace a Patroni
 * node on the same data directory.
 */
package io.vigil.postgres;
