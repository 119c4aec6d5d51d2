package io.vigil.config;

/**
 * Whether to use pg_rewind and what to do when it cannot help. These keys may be set locally or in
 * the dynamic configuration; a local value wins only when it is actually written in the YAML, which
 * the plain booleans of {@link PostgresqlConfig} cannot tell, hence this resolution.
 */
public record RewindPolicy(boolean usePgRewind, boolean removeDataDirectoryOnRewindFailure,
                           boolean removeDataDirectoryOnDivergedTimelines) {

    public static RewindPolicy of(VigilConfig local, DynamicConfig dynamic) {
        ConfigNode pg = ConfigNode.root(local.raw()).get("postgresql");
        PostgresqlConfig localPg = local.postgresql();
        boolean localRewind = pg.get("use_pg_rewind").isPresent() || pg.get("pg_rewind").isPresent();
        return new RewindPolicy(
                localRewind ? localPg.usePgRewind() : dynamic.usePgRewind(),
                pg.get("remove_data_directory_on_rewind_failure").isPresent()
                        ? localPg.removeDataDirectoryOnRewindFailure()
                        : dynamic.removeDataDirectoryOnRewindFailure(),
                pg.get("remove_data_directory_on_diverged_timelines").isPresent()
                        ? localPg.removeDataDirectoryOnDivergedTimelines()
                        : dynamic.removeDataDirectoryOnDivergedTimelines());
    }
}
