package io.vigil.agent.daemon;

import io.vigil.config.StandbyCluster;
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
    if (!mode.enabled() || standbyCluster(view)
        || !view.sync().map(s -> s.isStandby(name)).orElse(false)) {
      return Optional.empty();
    }
    return Optional.of(mode == SyncMode.QUORUM ? "quorum_standby" : "sync_standby");
  }

  /**
   * Patroni's {@code is_standby_cluster}, as the agents judge it: {@code /config} has a {@code standby_cluster} section
   * (one they cannot follow counts too: they stay standbys, see {@link StandbyCluster}).
   */
  public static boolean standbyCluster(ClusterView view) {
    return view.config().flatMap(c -> StandbyCluster.of(c.data().get("standby_cluster"))).isPresent();
  }

  public static List<Map<String, Object>> members(ClusterView view) {
    List<Map<String, Object>> out = new ArrayList<>();
    boolean standby = standbyCluster(view);
    for (MemberNode m : view.members()) {
      Map<String, Object> e = new LinkedHashMap<>();
      boolean leader = view.isLockedBy(m.name());
      e.put("name", m.name());
      e.put("role", leader ? standby ? "standby_leader" : "leader" : syncRole(view, m.name()).orElse("replica"));
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
