package io.vigil.agent.daemon;

import io.vigil.config.ZooKeeperConfig;
import io.vigil.dcs.X509Acls;
import io.vigil.dcs.ZooKeeperDcsSettings;
import io.vigil.dcs.ZooKeeperTls;
import java.util.Optional;

/** The TLS and ACL keys of the {@code zookeeper} section, for the agent and vigilctl alike. */
public final class ZooKeeperSecurity {

  private ZooKeeperSecurity() {}

  /** {@code base} with {@code use_ssl} (and its files) and {@code set_acls} from {@code zk}. */
  public static ZooKeeperDcsSettings apply(ZooKeeperDcsSettings base, ZooKeeperConfig zk) {
    Optional<ZooKeeperTls> tls = zk.useSsl()
        ? Optional.of(new ZooKeeperTls(zk.cacert(), zk.cert(), zk.key(), zk.keyPassword(), zk.verify()))
        : Optional.empty();
    return base.secured(tls, X509Acls.of(zk.setAcls()));
  }
}
