package io.vigil.agent.daemon;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.MemberNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The members part of {@code GET /cluster} (wire spec 5.3), shared with vigilctl. */
public final class ClusterDocument {
  private ClusterDocument() {}

  public static List<Map<String, Object>> members(ClusterView view) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (MemberNode m : view.members()) {
      Map<String, Object> e = new LinkedHashMap<>();
      boolean leader = view.isLockedBy(m.name());
      e.put("name", m.name());
      e.put("role", leader ? "leader" : "replica");
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
