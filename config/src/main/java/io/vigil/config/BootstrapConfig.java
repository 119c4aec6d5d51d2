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
 * @param problems      one line per setting of the section that cannot be used as written, for the log
 */
public record BootstrapConfig(Map<String, Object> dcs, List<String> initdbOptions, List<String> pgHba,
                              Optional<CustomBootstrap> method, List<String> problems) {

    public BootstrapConfig {
        dcs = ConfigMaps.immutableCopy(dcs);
        initdbOptions = List.copyOf(initdbOptions);
        pgHba = List.copyOf(pgHba);
        Objects.requireNonNull(method, "method");
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
                bootstrap.get("pg_hba").asStringList(), method, problems);
    }
}
