package io.vigil.dcs;

import java.util.Map;

/**
 * The {@code config} znode: the cluster's dynamic configuration.
 *
 * @param data    parsed JSON object, order preserved; unparseable or non-object content gives an empty map
 * @param version znode version, the CAS token for {@link Dcs#writeConfig}
 */
public record ConfigNode(Map<String, Object> data, int version) {
    public ConfigNode {
        data = JsonValues.freezeMap(data);
    }
}
