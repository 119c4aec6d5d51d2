package io.vigil.agent.ha;

import io.vigil.config.DynamicConfig;
import io.vigil.dcs.FailoverTags;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration the HA core reads, already merged (local YAML + dynamic {@code /config}).
 *
 * @param name          this member's name
 * @param nofailover    never race for the leader lock: tag {@code nofailover}, or {@code failover_priority} <= 0
 * @param canBootstrap  the YAML has a bootstrap section, so this node may initialise a new cluster
 * @param bootstrapDcs  {@code bootstrap.dcs}, written verbatim to {@code /config} by the bootstrapping node
 * @param dynamic       the effective dynamic configuration
 * @param connUrl       {@code postgres://<connect_address>/<database>} published in the member key
 * @param apiUrl        {@code http://<restapi connect_address>/patroni} published in the member key
 * @param tags          member tags as published (false built-in tags omitted)
 * @param proxyUrl      {@code postgres://<proxy_address>/<database>} when {@code postgresql.proxy_address} is set
 *                      (a connection pooler next to PostgreSQL, for service discovery)
 * @param cloneWithoutLeader a replica creation method works without a member to copy from ({@code no_leader}), so
 *                      an empty data directory may be filled while the cluster has no leader (spec §3.8)
 */
public record NodeSettings(
    String name,
    boolean nofailover,
    boolean canBootstrap,
    Map<String, Object> bootstrapDcs,
    DynamicConfig dynamic,
    String connUrl,
    String apiUrl,
    Map<String, Object> tags,
    Optional<String> proxyUrl,
    boolean cloneWithoutLeader) {

  /** Settings of a node with no pooler address whose replicas are created only from a running member. */
  public NodeSettings(String name, boolean nofailover, boolean canBootstrap, Map<String, Object> bootstrapDcs,
      DynamicConfig dynamic, String connUrl, String apiUrl, Map<String, Object> tags) {
    this(name, nofailover, canBootstrap, bootstrapDcs, dynamic, connUrl, apiUrl, tags, Optional.empty(), false);
  }

  /** This node's weight in a leader race tie, read from its published tags as its peers read it. */
  public int failoverPriority() {
    return nofailover ? 0 : FailoverTags.failoverPriority(tags);
  }

  public NodeSettings withDynamic(DynamicConfig d) {
    return new NodeSettings(name, nofailover, canBootstrap, bootstrapDcs, d, connUrl, apiUrl, tags, proxyUrl,
        cloneWithoutLeader);
  }
}
