package io.vigil.agent.ha;

import io.vigil.config.DynamicConfig;
import java.util.Map;

/**
 * The configuration the HA core reads, already merged (local YAML + dynamic {@code /config}).
 *
 * @param name          this member's name
 * @param nofailover    tag: never race for the leader lock
 * @param canBootstrap  the YAML has a bootstrap section, so this node may initialise a new cluster
 * @param bootstrapDcs  {@code bootstrap.dcs}, written verbatim to {@code /config} by the bootstrapping node
 * @param dynamic       the effective dynamic configuration
 * @param connUrl       {@code postgres://<connect_address>/<database>} published in the member key
 * @param apiUrl        {@code http://<restapi connect_address>/patroni} published in the member key
 * @param tags          member tags as published (false built-in tags omitted)
 */
public record NodeSettings(
    String name,
    boolean nofailover,
    boolean canBootstrap,
    Map<String, Object> bootstrapDcs,
    DynamicConfig dynamic,
    String connUrl,
    String apiUrl,
    Map<String, Object> tags) {

  public NodeSettings withDynamic(DynamicConfig d) {
    return new NodeSettings(name, nofailover, canBootstrap, bootstrapDcs, d, connUrl, apiUrl, tags);
  }
}
