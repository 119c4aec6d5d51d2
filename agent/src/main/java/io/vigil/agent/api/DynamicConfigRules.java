package io.vigil.agent.api;

import io.vigil.config.ConfigException;
import io.vigil.config.DynamicConfig;
import io.vigil.config.StandbyCluster;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Vigil accepts as a new {@code /config}, checked before it is written (REST {@code PATCH}/{@code PUT
 * /config} and {@code vigilctl edit-config}).
 *
 * <p>Vigil is stricter than Patroni here. Patroni 3.0.2 writes whatever it is given and every agent then
 * rejects or ignores the bad part on its own (a non-numeric {@code ttl} makes each agent keep its previous
 * configuration, a {@code postgresql.data_dir} is silently dropped). Vigil refuses such a change up front,
 * with the key path, so that what is stored is what every member applies:
 * <ul>
 *   <li>a value of the wrong type for a key Vigil or Patroni reads ({@link DynamicConfig#fromMap}), e.g. a
 *       {@code synchronous_mode} that is neither a boolean nor {@code quorum}, or a {@code synchronous_node_count}
 *       below 1. A bad value that is already stored, unchanged, does not block the change: every agent keeps
 *       ignoring that {@code /config} as before, and an operator must still be able to, say, pause the cluster
 *       or fix another key first;</li>
 *   <li>keys that are local to each member and never taken from {@code /config} (wire spec 7.1 rules 2 and
 *       3): {@code postgresql.connect_address, listen, data_dir, config_dir, pgpass, authentication,
 *       proxy_address} and {@code watchdog}. Only keys that the change adds or alters are refused, so an
 *       old {@code /config} that already has them can still be edited.</li>
 *   <li>a {@code standby_cluster} that gives neither a {@code host} nor a {@code restore_command}, or a port that is
 *       not a port: the standby leader would have nothing to follow (Patroni would store it and run a standby
 *       cluster that replicates from nowhere).</li>
 * </ul>
 */
public final class DynamicConfigRules {

  private static final List<String> LOCAL_POSTGRESQL_KEYS = List.of("connect_address", "listen", "data_dir",
      "config_dir", "pgpass", "authentication", "proxy_address");

  private DynamicConfigRules() {}

  /**
   * @param proposed the complete new configuration
   * @param current  the configuration it replaces ({@code Map.of()} when there is none)
   * @return a one-line reason to refuse {@code proposed}, naming the key
   */
  public static Optional<String> problem(Map<String, ?> proposed, Map<String, ?> current) {
    Object pg = proposed.get("postgresql");
    Object oldPg = current.get("postgresql");
    if (pg instanceof Map<?, ?> pgMap) {
      Map<?, ?> oldMap = oldPg instanceof Map<?, ?> m ? m : Map.of();
      for (String key : LOCAL_POSTGRESQL_KEYS) {
        if (pgMap.get(key) != null && !Objects.equals(pgMap.get(key), oldMap.get(key))) {
          return Optional.of("postgresql." + key + ": can not be set in the dynamic configuration, it is local to "
              + "each member (set it in the member's YAML file)");
        }
      }
    }
    if (proposed.get("watchdog") != null && !Objects.equals(proposed.get("watchdog"), current.get("watchdog"))) {
      return Optional.of("watchdog: can not be set in the dynamic configuration, it is local to each member "
          + "(set it in the member's YAML file)");
    }
    if (!Objects.equals(proposed.get("standby_cluster"), current.get("standby_cluster"))) {
      Optional<String> standby = StandbyCluster.check(proposed.get("standby_cluster"));
      if (standby.isPresent()) {
        return standby;
      }
    }
    return typeProblem(proposed, current);
  }

  private static Optional<String> typeProblem(Map<String, ?> proposed, Map<String, ?> current) {
    Map<String, Object> probe = ConfigPatch.mutableCopy(proposed);
    while (true) {
      try {
        DynamicConfig.fromMap(probe);
        return Optional.empty();
      } catch (ConfigException e) {
        Optional<Object> value = lookup(proposed, e.keyPath());
        boolean alreadyStored = value.isPresent() && value.equals(lookup(current, e.keyPath()));
        if (!alreadyStored || !remove(probe, e.keyPath())) {
          return Optional.of(e.getMessage());
        }
      }
    }
  }

  /** The value at a dotted key path; keys may contain dots themselves ({@code pg_stat_statements.max}). */
  private static Optional<Object> lookup(Map<String, ?> map, String path) {
    for (Map.Entry<String, ?> e : map.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      if (e.getKey().equals(path)) {
        return Optional.of(e.getValue());
      }
      if (path.startsWith(e.getKey() + ".") && e.getValue() instanceof Map<?, ?> nested) {
        Optional<Object> found = lookup(ConfigPatch.stringKeyed(nested), path.substring(e.getKey().length() + 1));
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  /** Removes the key at a dotted path from a tree of mutable maps; false when it is not there. */
  @SuppressWarnings("unchecked")
  private static boolean remove(Map<String, Object> map, String path) {
    if (map.remove(path) != null) {
      return true;
    }
    for (Map.Entry<String, Object> e : map.entrySet()) {
      if (path.startsWith(e.getKey() + ".") && e.getValue() instanceof Map<?, ?> nested
          && remove((Map<String, Object>) nested, path.substring(e.getKey().length() + 1))) {
        return true;
      }
    }
    return false;
  }
}
