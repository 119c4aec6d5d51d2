package io.vigil.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code bootstrap.method: <name>} with a section {@code bootstrap.<name>} that has a {@code command} (spec §3.8): the
 * new cluster comes from that script (typically a restore from a backup) instead of initdb.
 *
 * @param noParams                 {@code no_params}: {@code --scope} and {@code --datadir} are not passed
 * @param keepExistingRecoveryConf {@code keep_existing_recovery_conf}: the recovery settings and signal file the
 *                                 script left (pgBackRest, Barman write their own) are kept for the first start
 * @param recoveryConf             {@code recovery_conf}: recovery settings for the first start (archive recovery,
 *                                 then promotion); empty map when not given
 * @param arguments                the other keys of the section, passed as {@code --key=value}
 */
public record CustomBootstrap(String name, String command, boolean noParams, boolean keepExistingRecoveryConf,
                              Optional<Map<String, String>> recoveryConf, Map<String, String> arguments) {

    private static final Set<String> RESERVED =
            Set.of("command", "no_params", "keep_existing_recovery_conf", "recovery_conf", "scope", "datadir");

    public CustomBootstrap {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(command, "command");
        recoveryConf = recoveryConf.map(ConfigMaps::immutableStrings);
        arguments = ConfigMaps.immutableStrings(arguments);
    }

    /**
     * The custom method {@code bootstrap.method} names; empty for initdb. As in Patroni, a name without a section
     * or without {@code command} means initdb; {@code problems} then says so.
     */
    static Optional<CustomBootstrap> from(ConfigNode bootstrap, List<String> problems) {
        Optional<String> name = bootstrap.get("method").optionalString().filter(n -> !n.isBlank() && !n.equals("initdb"));
        if (name.isEmpty()) {
            return Optional.empty();
        }
        ConfigNode section = bootstrap.get(name.get());
        if (!(section.value() instanceof Map) || !(section.get("command").value() instanceof String command)
                || command.isBlank()) {
            problems.add("bootstrap.method " + name.get() + " has no " + section.path()
                    + ".command: a new cluster is created with initdb");
            return Optional.empty();
        }
        ConfigNode recovery = section.get("recovery_conf");
        return Optional.of(new CustomBootstrap(name.get(), command, ScriptSection.flag(section, "no_params"),
                ScriptSection.flag(section, "keep_existing_recovery_conf"),
                recovery.isPresent() ? Optional.of(ParameterValues.of(recovery)) : Optional.empty(),
                ScriptSection.extraArguments(section, RESERVED, problems)));
    }
}
