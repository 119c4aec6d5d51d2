package io.vigil.agent.ha;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the member znode value (wire spec 1.3) in Patroni's key order. */
public final class MemberDocument {

  /** The Patroni release whose wire format Vigil speaks; peers compare it numerically. */
  public static final String PROTOCOL_VERSION = "3.0.2";

  private MemberDocument() {}

  public static Map<String, Object> build(NodeSettings s, String state, String role, LocalPg pg, boolean paused,
      java.util.Optional<ScheduledRestart> scheduledRestart, java.util.Optional<String> cannotLead) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("conn_url", s.connUrl());
    m.put("api_url", s.apiUrl());
    m.put("state", state);
    m.put("role", role);
    m.put("version", PROTOCOL_VERSION);
    s.proxyUrl().ifPresent(url -> m.put("proxy_url", url));
    if (pg.status().isPresent()) {
      m.put("xlog_location", pg.walPosition());
      if (pg.timeline() > 0) {
        m.put("timeline", pg.timeline());
      }
    }
    if (!s.tags().isEmpty()) {
      m.put("tags", s.tags());
    }
    if (pg.status().map(st -> st.pendingRestart()).orElse(false)) {
      m.put("pending_restart", true);
    }
    scheduledRestart.ifPresent(r -> m.put("scheduled_restart", r.memberValue()));
    if (paused) {
      m.put("pause", true);
    }
    // Only while it applies, so a healthy member's value stays Patroni's; Patroni peers ignore keys they do not know.
    cannotLead.ifPresent(why -> m.put("watchdog_failed", why));
    return m;
  }
}
