package io.vigil.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code postgresql.create_replica_methods}: the built-in {@code basebackup}, or a command configured in
 * the section {@code postgresql.<name>}.
 *
 * @param command   the command line (split like a shell word list when run); empty for basebackup
 * @param keepData  {@code keep_data}: the data directory is not emptied before the command runs
 * @param noLeader  {@code no_leader} (or the older {@code no_master}): works without a member to copy from
 * @param noParams  {@code no_params}: Patroni's {@code --scope/--role/--datadir/--connstring} are not passed
 * @param arguments the other keys of the section, passed as {@code --key=value}
 */
public record ReplicaMethod(String name, Optional<String> command, boolean keepData, boolean noLeader,
                            boolean noParams, Map<String, String> arguments) {

    public static final String BASEBACKUP = "basebackup";

    public ReplicaMethod {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(command, "command");
        arguments = ConfigMaps.immutableStrings(arguments);
    }

    static ReplicaMethod basebackup() {
        return new ReplicaMethod(BASEBACKUP, Optional.empty(), false, false, false, Map.of());
    }

    public boolean builtin() {
        return command.isEmpty();
    }
}
