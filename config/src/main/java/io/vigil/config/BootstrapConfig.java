package io.vigil.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code bootstrap} section, used only by the node that initialises a new cluster.
 *
 * @param dcs           the initial dynamic configuration, written verbatim to {@code /config}
 * @param initdbOptions initdb arguments, already rendered ({@code --data-checksums}, {@code --encoding=UTF8})
 * @param pgHba         lines appended to pg_hba.conf after initdb
 * @param method        the custom bootstrap script that replaces initdb, if configured
 * @param postBootstrap {@code post_bootstrap} (or its older name {@code post_init}): run once the new cluster is up,
 *                      with the superuser's connection string
 * @param problems      one line per setting of the section that cannot be used as written, for the log
 * @param users         {@code bootstrap.users}: roles created once the new cluster runs, before post_bootstrap
 */
public record BootstrapConfig(Map<String, Object> dcs, List<String> initdbOptions, List<String> pgHba,
                              Optional<CustomBootstrap> method, Optional<String> postBootstrap,
                              List<String> problems, List<BootstrapUser> users) {

    public BootstrapConfig(Map<String, Object> dcs, List<String> initdbOptions, List<String> pgHba) {
        this(dcs, initdbOptions, pgHba, Optional.empty(), Optional.empty(), List.of(), List.of());
    }

    public BootstrapConfig {
        dcs = ConfigMaps.immutableCopy(dcs);
        initdbOptions = List.copyOf(initdbOptions);
        pgHba = List.copyOf(pgHba);
        users = List.copyOf(users);
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(postBootstrap, "postBootstrap");
        problems = List.copyOf(problems);
    }

    static BootstrapConfig from(ConfigNode bootstrap) {
        ConfigNode dcs = bootstrap.get("dcs");
        // Rejected now rather than when the cluster is first initialised, possibly months later.
        DynamicConfig.from(dcs);
        List<String> problems = new ArrayList<>();
        Optional<CustomBootstrap> method = CustomBootstrap.from(bootstrap, problems);
        return new BootstrapConfig(dcs.asMap(),
                ToolOptions.render(bootstrap.get("initdb"), ToolOptions.FORBIDDEN_INITDB),
                bootstrap.get("pg_hba").asStringList(), method, postBootstrap(bootstrap), problems,
                BootstrapUser.from(bootstrap.get("users")));
    }

    /** Patroni: {@code post_bootstrap or post_init}, so an empty post_bootstrap gives way to post_init. */
    private static Optional<String> postBootstrap(ConfigNode bootstrap) {
        Optional<String> post = bootstrap.get("post_bootstrap").optionalString().filter(c -> !c.isBlank());
        return post.isPresent() ? post : bootstrap.get("post_init").optionalString().filter(c -> !c.isBlank());
    }
}
