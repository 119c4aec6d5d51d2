package io.vigil.agent.daemon;

import io.vigil.agent.ha.NodeSettings;
import io.vigil.config.DynamicConfig;
import io.vigil.config.VigilConfig;
import io.vigil.dcs.FailoverTags;
import io.vigil.dcs.ZooKeeperDcsSettings;
import io.vigil.postgres.Credentials;
import io.vigil.postgres.PostgresSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Translates the typed YAML configuration into the settings of each module. */
final class NodeWiring {

  private NodeWiring() {}

  /** PostgreSQL refuses to run as root, so a root agent runs its binaries as this user. */
  static final String ROOT_RUN_AS = "postgres";

  static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  static PostgresSettings postgres(VigilConfig c) {
    var p = c.postgresql();
    return new PostgresSettings(
        p.dataDir(), p.binDir(), p.listen().host(), p.listen().port(),
        p.connectAddress().host(), p.connectAddress().port(), p.pgpass(), p.database(),
        new Credentials(p.superuser().username(), p.superuser().password(), p.superuser().libpq()),
        new Credentials(p.replication().username(), p.replication().password(), p.replication().libpq()),
        c.scope(), c.name(),
        runningAsRoot() ? Optional.of(ROOT_RUN_AS) : Optional.empty(),
        Duration.ofSeconds(p.pgCtlTimeout()), p.binNames(), p.customConf());
  }

  static ZooKeeperDcsSettings dcs(VigilConfig c, DynamicConfig d) {
    return ZooKeeperSecurity.apply(new ZooKeeperDcsSettings(c.zookeeper().connectString(), c.basePath(), c.name(),
        d.ttl(), d.loopWait(), d.retryTimeout()), c.zookeeper());
  }

  static NodeSettings node(VigilConfig c, DynamicConfig d) {
    var pg = c.postgresql();
    String connUrl = "postgres://" + pg.connectAddress() + "/" + pg.database();
    String apiUrl = c.restapi().scheme() + "://" + c.restapi().connectAddress() + "/patroni";
    boolean canBootstrap = c.raw().containsKey("bootstrap");
    // Judged from the published tags, so this node sees itself exactly as its peers (Vigil or Patroni) see it.
    Map<String, Object> tags = c.tags().asMemberTags();
    Optional<String> proxyUrl = pg.proxyAddress().map(proxy -> "postgres://" + proxy + "/" + pg.database());
    return new NodeSettings(c.name(), FailoverTags.nofailover(tags), canBootstrap, c.bootstrap().dcs(), d,
        connUrl, apiUrl, tags, proxyUrl, pg.replicaCreation().worksWithoutLeader());
  }
}
