package io.vigil.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The local {@code postgresql} section. Values that may also come from the dynamic configuration
 * (parameters, use_pg_rewind, the remove_data_directory flags) are the local ones only; see
 * {@link EffectiveParameters} and {@link RewindPolicy} for the combination.
 *
 * @param pgpass           the password file Vigil writes for libpq tools (default {@code ~/pgpass})
 * @param basebackupOptions pg_basebackup arguments, already rendered like initdb options
 * @param pgHba            {@code postgresql.pg_hba}; empty when pg_hba.conf is left alone
 * @param proxyAddress     {@code postgresql.proxy_address}: a pooler next to PostgreSQL, published as {@code proxy_url}
 * @param binNames         {@code postgresql.bin_name}: tool to file name, for distributions that rename the binaries
 * @param pgIdent          {@code postgresql.pg_ident}; empty when pg_ident.conf is left alone
 * @param beforeStop       {@code postgresql.before_stop}: run before every stop of a running PostgreSQL
 * @param customConf       {@code postgresql.custom_conf}: the file postgresql.conf includes instead of
 *                         postgresql.base.conf (relative to the data directory, as PostgreSQL reads an include)
 * @param replicaCreation  how an empty data directory is filled from another member or a backup
 * @param recoveryConf     {@code postgresql.recovery_conf} (restore_command, ...) for a replica's recovery settings;
 *                         the settings Vigil derives itself (primary_conninfo, primary_slot_name, recovery_target*)
 *                         are left out, as Patroni leaves them out
 */
public record PostgresqlConfig(HostPort listen, HostPort connectAddress, Path dataDir, Optional<Path> configDir,
                               Optional<Path> binDir, Path pgpass, String database, Credentials superuser,
                               Credentials replication, Optional<Credentials> rewind, Map<String, String> parameters,
                               List<String> basebackupOptions, List<String> pgHba, boolean usePgRewind,
                               boolean removeDataDirectoryOnRewindFailure,
                               boolean removeDataDirectoryOnDivergedTimelines, int pgCtlTimeout,
                               Map<String, String> callbacks, Optional<String> prePromote,
                               Optional<HostPort> proxyAddress, Map<String, String> binNames,
                               List<String> pgIdent, Optional<String> beforeStop,
                               Optional<Path> customConf, ReplicaCreation replicaCreation,
                               Map<String, String> recoveryConf) {

    /** The events of {@code postgresql.callbacks} (wire spec 4.5). */
    public static final List<String> CALLBACK_EVENTS =
            List.of("on_start", "on_stop", "on_restart", "on_reload", "on_role_change");

    public PostgresqlConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(connectAddress, "connectAddress");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(configDir, "configDir");
        Objects.requireNonNull(binDir, "binDir");
        Objects.requireNonNull(pgpass, "pgpass");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(superuser, "superuser");
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(rewind, "rewind");
        parameters = ConfigMaps.immutableStrings(parameters);
        basebackupOptions = List.copyOf(basebackupOptions);
        pgHba = List.copyOf(pgHba);
        callbacks = Map.copyOf(callbacks);
        Objects.requireNonNull(prePromote, "prePromote");
        Objects.requireNonNull(proxyAddress, "proxyAddress");
        binNames = Map.copyOf(binNames);
        pgIdent = List.copyOf(pgIdent);
        Objects.requireNonNull(beforeStop, "beforeStop");
        Objects.requireNonNull(customConf, "customConf");
        Objects.requireNonNull(replicaCreation, "replicaCreation");
        recoveryConf = ConfigMaps.immutableStrings(recoveryConf);
    }

    static PostgresqlConfig from(ConfigNode pg, Path home, ConfigNode vigil) {
        HostPort listen = address(pg.get("listen"));
        HostPort connectAddress = pg.get("connect_address").isPresent() ? address(pg.get("connect_address")) : listen;
        ConfigNode replication = credentialsSection(pg, "replication", "replication");
        if (!replication.isPresent()) {
            throw replication.missing();
        }
        ConfigNode rewind = credentialsSection(pg, "rewind", "pg_rewind");
        return new PostgresqlConfig(
                listen,
                connectAddress,
                Path.of(pg.get("data_dir").requiredString()),
                optionalPath(pg.get("config_dir")),
                optionalPath(pg.get("bin_dir")),
                pgpass(pg.get("pgpass"), home),
                pg.get("database").string("postgres"),
                kerberos(pg, Credentials.from(credentialsSection(pg, "superuser", "superuser"), "postgres")),
                kerberos(pg, Credentials.from(replication)),
                rewind.isPresent() ? Optional.of(kerberos(pg, Credentials.from(rewind))) : Optional.empty(),
                ParameterValues.of(pg.get("parameters")),
                ToolOptions.render(pg.get("basebackup"), ToolOptions.FORBIDDEN_BASEBACKUP),
                pg.get("pg_hba").asStringList(),
                // the legacy pg_rewind credentials section implied use_pg_rewind
                pg.get("use_pg_rewind").bool(pg.get("pg_rewind").isPresent()),
                pg.get("remove_data_directory_on_rewind_failure").bool(false),
                pg.get("remove_data_directory_on_diverged_timelines").bool(false),
                pg.get("pg_ctl_timeout").integer(60),
                callbacks(pg.get("callbacks")),
                pg.get("pre_promote").optionalString().filter(c -> !c.isBlank()),
                pg.get("proxy_address").isPresent() ? Optional.of(address(pg.get("proxy_address"))) : Optional.empty(),
                binNames(pg.get("bin_name")),
                pg.get("pg_ident").asStringList(),
                pg.get("before_stop").optionalString().filter(c -> !c.isBlank()),
                optionalPath(pg.get("custom_conf")),
                ReplicaCreation.from(pg, vigil),
                recoveryConf(pg.get("recovery_conf")));
    }

    private static Map<String, String> recoveryConf(ConfigNode section) {
        Map<String, String> settings = new LinkedHashMap<>(ParameterValues.of(section));
        settings.keySet().removeIf(name -> name.startsWith("recovery_target") || name.equals("primary_conninfo")
                || name.equals("primary_slot_name") || name.equals("standby_mode"));
        return settings;
    }

    /** {@code event: command} of the known events; an empty command is none. Other keys are left to the unknown-key warning. */
    private static Map<String, String> callbacks(ConfigNode section) {
        Map<String, String> commands = new LinkedHashMap<>();
        for (String event : CALLBACK_EVENTS) {
            section.get(event).optionalString().filter(c -> !c.isBlank()).ifPresent(c -> commands.put(event, c));
        }
        return commands;
    }

    /**
     * {@code authentication.<user>}, falling back to the pre-1.0 layout where the credentials sat
     * directly under {@code postgresql}. The returned node names the modern path when both are absent.
     */
    /** The tools Patroni lets {@code bin_name} rename. */
    private static final List<String> TOOLS = List.of("pg_ctl", "initdb", "pg_controldata", "pg_basebackup",
            "postgres", "pg_isready", "pg_rewind");

    private static Map<String, String> binNames(ConfigNode section) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String tool : section.asMap().keySet()) {
            ConfigNode name = section.get(tool);
            if (!TOOLS.contains(tool)) {
                throw name.error("expected one of " + String.join(", ", TOOLS));
            }
            String file = name.optionalString().orElse("").strip();
            if (file.isEmpty() || file.contains("/")) {
                throw name.error("expected a file name in bin_dir (or on PATH), got \"" + file + "\"");
            }
            names.put(tool, file);
        }
        return names;
    }

    /** {@code postgresql.krbsrvname} applies to every libpq connection, whoever the user. */
    private static Credentials kerberos(ConfigNode pg, Credentials user) {
        return pg.get("krbsrvname").optionalString().filter(v -> !v.isBlank()).map(user::withKerberosService)
                .orElse(user);
    }

    private static ConfigNode credentialsSection(ConfigNode pg, String user, String legacyKey) {
        ConfigNode modern = pg.get("authentication").get(user);
        ConfigNode legacy = pg.get(legacyKey);
        return !modern.isPresent() && legacy.isPresent() ? legacy : modern;
    }

    private static HostPort address(ConfigNode node) {
        return HostPort.parse(node.path(), node.requiredString());
    }

    private static Optional<Path> optionalPath(ConfigNode node) {
        return node.optionalString().filter(text -> !text.isBlank()).map(Path::of);
    }

    private static Path pgpass(ConfigNode node, Path home) {
        String text = node.optionalString().filter(value -> !value.isBlank()).orElse("~/pgpass");
        if (text.equals("~")) {
            return home;
        }
        return text.startsWith("~/") ? home.resolve(text.substring(2)) : Path.of(text);
    }
}
