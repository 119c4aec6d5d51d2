package io.vigil.config;

import java.util.List;
import java.util.Map;

/**
 * The {@code bootstrap} section, used only by the node that initialises a new cluster.
 *
 * @param dcs           the initial dynamic configuration, written verbatim to {@code /config}
 * @param initdbOptions initdb arguments, already rendered ({@code --data-checksums}, {@code --encoding=UTF8})
 * @param pgHba         lines appended to pg_hba.conf after initdb
 * @param users         {@code bootstrap.users}: roles created once the new cluster runs
 */
public record BootstrapConfig(Map<String, Object> dcs, List<String> initdbOptions, List<String> pgHba,
                              List<BootstrapUser> users) {

    public BootstrapConfig(Map<String, Object> dcs, List<String> initdbOptions, List<String> pgHba) {
        this(dcs, initdbOptions, pgHba, List.of());
    }

    public BootstrapConfig {
        dcs = ConfigMaps.immutableCopy(dcs);
        initdbOptions = List.copyOf(initdbOptions);
        pgHba = List.copyOf(pgHba);
        users = List.copyOf(users);
    }

    static BootstrapConfig from(ConfigNode bootstrap) {
        ConfigNode dcs = bootstrap.get("dcs");
        // Rejected now rather than when the cluster is first initialised, possibly months later.
        DynamicConfig.from(dcs);
        return new BootstrapConfig(dcs.asMap(),
                ToolOptions.render(bootstrap.get("initdb"), ToolOptions.FORBIDDEN_INITDB),
                bootstrap.get("pg_hba").asStringList(),
                BootstrapUser.from(bootstrap.get("users")));
    }
}
