package io.vigil.agent.daemon;

import io.vigil.config.SyncMode;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.MemberNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The members part of {@code GET /cluster} (wire spec 5.3), shared with vigilctl. */
public final class ClusterDocument {
  private ClusterDocument() {}

  /**
   * The role {@code cluster_as_json} gives a member other than the leader that {@code /sync} lists as a standby:
   * {@code sync_standby} while the cluster's {@code synchronous_mode} is on, {@code quorum_standby} in quorum mode
   * (Patroni 4: {@code is_synchronous_mode and cluster.sync.matches(name)}, names compared ignoring case; not in
   * a standby cluster). Empty otherwise, including a stale {@code /sync} after synchronous mode was switched off
   * (Patroni 3.0.2 showed those as sync standbys, but its leader clears {@code /sync} as soon as the mode is off).
   * An unreadable {@code synchronous_mode} counts as off, as Patroni's {@code parse_bool} makes it.
   */
  public static Optional<String> syncRole(ClusterView view, String name) {
    Map<String, Object> config = view.config().map(c -> c.data()).orElse(Map.of());
    SyncMode mode = SyncMode.lenient(config.get("synchronous_mode"));
    if (!mode.enabled() || standbyCluster(config.get("standby_cluster"))
        || !view.sync().map(s -> s.isStandby(name)).orElse(false)) {
      return Optional.empty();
    }
    return Optional.of(mode == SyncMode.QUORUM ? "quorum_standby" : "sync_standby");
  }

  /** Patroni's {@code is_standby_cluster}: a {@code standby_cluster} section with a host, port or restore_command. */
  private static boolean standbyCluster(Object section) {
    return section instanceof Map<?, ?> m && (truthy(m.get("host")) || truthy(m.get("port"))
        || truthy(m.get("restore_command")));
  }

  private static boolean truthy(Object v) {
    return v != null && !"".equals(v) && !Integer.valueOf(0).equals(v) && !Long.valueOf(0).equals(v)
        && !Boolean.FALSE.equals(v);
  }

  public static List<Map<String, Object>> members(ClusterView view) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (MemberNode m : view.members()) {
      Map<String, Object> e = new LinkedHashMap<>();
      boolean leader = view.isLockedBy(m.name());
      e.put("name", m.name());
      e.put("role", leader ? "leader" : syncRole(view, m.name()).orElse("replica"));
      e.put("state", m.state().orElse("unknown"));
      m.apiUrl().ifPresent(u -> e.put("api_url", u));
      m.pgAddress().ifPresent(a -> {
        e.put("host", a.host());
        e.put("port", a.port());
      });
      m.timeline().ifPresent(t -> e.put("timeline", t));
      if (!leader) {
        if (m.xlogLocation().isPresent() && view.optime().isPresent()) {
          e.put("lag", Math.max(0, view.optime().getAsLong() - m.xlogLocation().getAsLong()));
        } else {
          e.put("lag", "unknown");
        }
      }
      if (!m.tags().isEmpty()) {
        e.put("tags", m.tags());
      }
      out.add(e);
    }
    return out;
  }
}
