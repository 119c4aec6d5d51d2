package io.vigil.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a replica gets its data (spec §3.9): the methods of {@code postgresql.create_replica_methods} (or the legacy
 * {@code create_replica_method}) in order, {@code [basebackup]} when unset.
 *
 * @param methods       the usable methods, in the configured order
 * @param problems      one line per configured method that cannot be used (no section, no command), for the log
 * @param methodTimeout how long one custom method may run before it is killed and the next one tried
 *                      ({@code vigil.create_replica_timeout}, seconds; Patroni has no limit)
 */
public record ReplicaCreation(List<ReplicaMethod> methods, List<String> problems, Duration methodTimeout) {

    /** A day: a restore of several terabytes from a backup repository fits, a script stuck for good does not. */
    static final long DEFAULT_TIMEOUT_SECONDS = 86_400;

    /** Keys of a method section that are Patroni's flags, not arguments for the command. */
    private static final Set<String> RESERVED = Set.of("command", "keep_data", "no_params", "no_master", "no_leader");

    public ReplicaCreation {
        methods = List.copyOf(methods);
        problems = List.copyOf(problems);
        Objects.requireNonNull(methodTimeout, "methodTimeout");
    }

    /** A method works without a leader, so a node with an empty data directory may create itself from a backup. */
    public boolean worksWithoutLeader() {
        return methods.stream().anyMatch(ReplicaMethod::noLeader);
    }

    /**
     * The methods named by a standby cluster's {@code create_replica_methods}, their sections read from the
     * {@code postgresql} section of {@code raw} (the configuration as read) as Patroni does; these methods when
     * {@code names} is empty.
     */
    public ReplicaCreation named(List<String> names, java.util.Map<String, Object> raw) {
        if (names.isEmpty()) {
            return this;
        }
        ConfigNode pg = ConfigNode.root(raw).get("postgresql");
        List<ReplicaMethod> chosen = new ArrayList<>();
        List<String> unusable = new ArrayList<>();
        for (String name : names) {
            method(pg, name, unusable).ifPresent(chosen::add);
        }
        return new ReplicaCreation(chosen, unusable, methodTimeout);
    }

    static ReplicaCreation from(ConfigNode pg, ConfigNode vigil) {
        ConfigNode listed = pg.get("create_replica_methods");
        if (!listed.isPresent()) {
            listed = pg.get("create_replica_method");
        }
        List<String> names = listed.value() instanceof String single ? List.of(single) : listed.asStringList();
        List<ReplicaMethod> methods = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (names.isEmpty()) {
            methods.add(ReplicaMethod.basebackup());
        }
        for (String name : names) {
            method(pg, name, problems).ifPresent(methods::add);
        }
        long timeout = vigil.get("create_replica_timeout").longInteger(DEFAULT_TIMEOUT_SECONDS);
        if (timeout <= 0) {
            throw vigil.get("create_replica_timeout").error("must be a positive number of seconds");
        }
        return new ReplicaCreation(methods, problems, Duration.ofSeconds(timeout));
    }

    private static Optional<ReplicaMethod> method(ConfigNode pg, String name, List<String> problems) {
        if (name.equals(ReplicaMethod.BASEBACKUP)) {
            return Optional.of(ReplicaMethod.basebackup());
        }
        ConfigNode section = pg.get(name);
        if (!(section.value() instanceof java.util.Map)) {
            problems.add("replica creation method " + name + " has no section " + section.path()
                    + " with a command: method skipped");
            return Optional.empty();
        }
        Optional<String> command = section.get("command").value() instanceof String c && !c.isBlank()
                ? Optional.of(c) : Optional.empty();
        if (command.isEmpty()) {
            problems.add(section.path() + ".command is not set: replica creation method " + name + " skipped");
            return Optional.empty();
        }
        boolean noLeader = ScriptSection.flag(section, "no_leader") || ScriptSection.flag(section, "no_master");
        return Optional.of(new ReplicaMethod(name, command, ScriptSection.flag(section, "keep_data"), noLeader,
                ScriptSection.flag(section, "no_params"), ScriptSection.extraArguments(section, RESERVED, problems)));
    }
}
