package io.vigil.agent.daemon;

import io.vigil.agent.ha.AgentMemory;
import io.vigil.agent.ha.Fencing;
import io.vigil.agent.ha.MemberDocument;
import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.PromotionCost;
import io.vigil.agent.ha.ScheduledRestart;
import io.vigil.config.SyncMode;
import io.vigil.dcs.ClusterView;
import io.vigil.postgres.PgStatus;
import io.vigil.postgres.ReplicationRow;
import io.vigil.restapi.FailoverCost;
import io.vigil.restapi.NodeStatus;
import io.vigil.restapi.NodeStatusSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The snapshot the REST API serves. The HA loop publishes it at the end of every cycle (and when a
 * long action changes the PostgreSQL state); health checks only read it, never PostgreSQL or ZooKeeper.
 * The lock flag expires {@code ttl} after the cycle that proved it, so a stuck loop stops
 * advertising {@code /primary}.
 */
final class PublishedStatus implements NodeStatusSource {

  private record Snapshot(
      Optional<Observation> observation, String state, String role, long lockValidUntil, long loopDeadline,
      boolean paused, Map<String, Object> tags, boolean postgresDown, Optional<Map<String, Object>> scheduledRestart,
      Optional<PromotionCost> lastPromotion) {}

  private final String scope;
  private final Clock clock;
  private volatile Snapshot snapshot;
  /** Health checks arrive every second from each HAProxy; they reuse one status until the snapshot or a deadline changes. */
  private volatile NodeStatus cached;
  private volatile Snapshot cachedFor;

  /**
   * When the last answer from ZooKeeper is older than this, the session may be gone without the HA
   * loop knowing yet (it may be frozen, or blocked on a retry): stop claiming the lock right away.
   */
  private volatile long contactLimitMs = Long.MAX_VALUE;
  private volatile LongSupplier sinceDcsContact = () -> 0L;

  PublishedStatus(String scope, Map<String, Object> tags, Clock clock) {
    this.scope = scope;
    this.clock = clock;
    this.snapshot = new Snapshot(Optional.empty(), "stopped", "uninitialized", 0, Long.MAX_VALUE, false, tags, true,
        Optional.empty(), Optional.empty());
  }

  void trackDcsContact(LongSupplier millisSinceContact, long limitMillis) {
    this.sinceDcsContact = millisSinceContact;
    this.contactLimitMs = limitMillis;
  }

  /**
   * Publishes the outcome of a cycle; {@code observedAt} (monotonic) is when the cycle read the
   * lock, so the flag never outlives the proof by more than {@code ttl}.
   */
  private volatile boolean failsafeActive;
  private volatile long failsafeLeaseUntil;
  private volatile boolean failsafeMode;
  private volatile Optional<Map<String, String>> lastFailsafe = Optional.empty();

  synchronized void publish(Observation o, long observedAt, AgentMemory memory, int ttlSeconds, boolean paused,
      long nextCycleDeadline) {
    String role = io.vigil.agent.ha.HaCore.role(o);
    // A cycle that repairs my own lock keeps what earlier cycles proved, as Patroni's is_leader stays set until the
    // leader key is re-created: /primary does not blink for the length of one cycle after ZooKeeper comes back.
    boolean repairing = o.repairsOwnLock();
    long lockValidUntil = o.holdsLock() ? observedAt + ttlSeconds * 1000L : repairing ? snapshot.lockValidUntil() : 0;
    failsafeActive = failsafeActive(o, memory);
    // Patroni's set_is_leader(True) on failsafe: /primary keeps answering for ttl after the round that confirmed it.
    failsafeLeaseUntil = o.keepsPrimaryOnFailsafe() && memory.failsafeActive()
        ? o.failsafeRound().orElseThrow().startedAtMonotonic() + ttlSeconds * 1000L
        : repairing ? failsafeLeaseUntil : 0;
    if (o.view().isPresent()) {
      lastFailsafe = o.view().get().failsafe();
    }
    failsafeMode = o.settings().dynamic().failsafeMode();
    snapshot = new Snapshot(Optional.of(o), memory.pgState(), role, lockValidUntil, nextCycleDeadline, paused,
        o.settings().tags(), false, memory.scheduledRestart().map(ScheduledRestart::request), memory.lastPromotion());
  }

  /**
   * Patroni's {@code failsafe_mode_is_active}: on a primary, it runs on failsafe (its last cycle could not read
   * ZooKeeper and every member accepted it); on a replica, it accepted a {@code POST /failsafe} less than ttl ago and
   * the cluster has no leader lock it can see (ZooKeeper down or the lock gone). Clears once ZooKeeper shows a leader.
   */
  static boolean failsafeActive(Observation o, AgentMemory memory) {
    if (memory.failsafeActive()) {
      return true;
    }
    boolean noLeaderSeen = o.view().map(v -> v.leader().isEmpty()).orElse(true);
    return noLeaderSeen && !o.pg().isPrimary() && o.rememberedFailsafeLeader().isPresent();
  }

  @Override
  public Optional<Map<String, Object>> failsafeDocument() {
    if (!failsafeMode || lastFailsafe.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new LinkedHashMap<>(lastFailsafe.get()));
  }

  /** A long action (clone, bootstrap, promote) changes what the node is doing before the cycle ends. */
  synchronized void setPgState(String state, String role) {
    Snapshot s = snapshot;
    snapshot = new Snapshot(s.observation(), state, role, s.lockValidUntil(), s.loopDeadline(), s.paused(), s.tags(),
        s.postgresDown(), s.scheduledRestart(), s.lastPromotion());
  }

  /**
   * The agent is about to stop PostgreSQL: drop the lock and the WAL position from the document, so
   * neither HAProxy nor a peer in a leader race takes this node for a live primary meanwhile.
   */
  synchronized void postgresStopping() {
    failsafeLeaseUntil = 0;
    Snapshot s = snapshot;
    snapshot = new Snapshot(s.observation(), "stopping", s.role(), 0, s.loopDeadline(), s.paused(), s.tags(), true,
        s.scheduledRestart(), s.lastPromotion());
  }

  /** The node is stepping down: stop advertising the lock before anything else happens. */
  synchronized void dropLock() {
    failsafeLeaseUntil = 0;
    Snapshot s = snapshot;
    snapshot = new Snapshot(s.observation(), s.state(), s.role(), 0, s.loopDeadline(), s.paused(), s.tags(),
        s.postgresDown(), s.scheduledRestart(), s.lastPromotion());
  }

  @Override
  public NodeStatus status() {
    Snapshot s = snapshot;
    long now = clock.monotonicMillis();
    boolean holdsLock = now < s.lockValidUntil() && sinceDcsContact.getAsLong() < contactLimitMs
        || now < failsafeLeaseUntil;
    NodeStatus c = cached;
    if (c != null && cachedFor == s && c.holdsLock() == holdsLock && c.livenessOk() == now < s.loopDeadline()) {
      return c;
    }
    c = build(s, now, holdsLock);
    cached = c;
    cachedFor = s;
    return c;
  }

  private NodeStatus build(Snapshot s, long now, boolean holdsLock) {
    Optional<PgStatus> pg = s.postgresDown() ? Optional.empty() : s.observation().flatMap(o -> o.pg().status());
    boolean primary = pg.map(p -> !p.inRecovery()).orElse(false) && "running".equals(s.state());
    OptionalLong replayed = pg.filter(PgStatus::inRecovery).map(p -> OptionalLong.of(p.replayLsn()))
        .orElse(OptionalLong.empty());
    OptionalLong optime = s.observation().flatMap(Observation::view).map(ClusterView::optime)
        .orElse(OptionalLong.empty());
    boolean dcsReachable = s.observation().map(o -> o.view().isPresent()).orElse(false);
    SyncMode listedAs = listedStandby(s, pg);
    boolean standbyCluster = s.observation().map(o -> o.settings().dynamic().standbyCluster().isPresent())
        .orElse(false);
    return new NodeStatus(holdsLock, s.role(), s.state(), primary, s.paused(), dcsReachable, standbyCluster, s.tags(),
        replayed, optime, listedAs == SyncMode.ON, listedAs == SyncMode.QUORUM, now < s.loopDeadline(),
        document(s, pg, listedAs), s.lastPromotion().map(c -> new FailoverCost(c.timeline(),
            c.millisToWritable() < 0 ? -1 : c.millisToWritable() / 1000.0, c.synchronous() ? 0 : c.bytesAtRisk())));
  }

  /**
   * Patroni's {@code sync_standby} / {@code quorum_standby} of {@code /patroni}: PostgreSQL answered as a replica,
   * synchronous mode is on (or quorum) and the last DCS read lists this member as a standby in {@code /sync}
   * (names compared ignoring case, as Patroni 4 does). OFF when not listed.
   */
  private static SyncMode listedStandby(Snapshot s, Optional<PgStatus> pg) {
    if (s.observation().isEmpty() || !pg.map(PgStatus::inRecovery).orElse(false)) {
      return SyncMode.OFF;
    }
    Observation o = s.observation().get();
    SyncMode mode = o.settings().dynamic().synchronousMode();
    boolean listed = o.view().flatMap(ClusterView::sync).map(sync -> sync.isStandby(o.settings().name()))
        .orElse(false);
    return listed ? mode : SyncMode.OFF;
  }

  private Map<String, Object> document(Snapshot s, Optional<PgStatus> pg, SyncMode listedAs) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("state", s.state());
    pg.ifPresent(p -> d.put("postmaster_start_time", p.postmasterStartTime()));
    d.put("role", s.role());
    pg.ifPresent(p -> {
      d.put("server_version", p.serverVersion());
      Map<String, Object> xlog = new LinkedHashMap<>();
      if (p.inRecovery()) {
        xlog.put("received_location", p.receiveLsn() > 0 ? p.receiveLsn() : p.replayLsn());
        xlog.put("replayed_location", p.replayLsn());
        xlog.put("paused", p.replayPaused());
      } else {
        xlog.put("location", p.writeLsn());
      }
      d.put("xlog", xlog);
      if (listedAs == SyncMode.ON) {
        d.put("sync_standby", true);
      } else if (listedAs == SyncMode.QUORUM) {
        d.put("quorum_standby", true);
      }
      if (p.timeline() > 0) {
        d.put("timeline", p.timeline());
      }
      if (!p.inRecovery() && !p.replication().isEmpty()) {
        d.put("replication", p.replication().stream().map(PublishedStatus::replicationRow).toList());
      }
    });
    Optional<ClusterView> view = s.observation().flatMap(Observation::view);
    if (view.isPresent() && view.get().leader().isEmpty()) {
      d.put("cluster_unlocked", true);
    }
    if (failsafeActive) {
      d.put("failsafe_mode_is_active", true);
    }
    s.observation().ifPresent(o -> d.put("dcs_last_seen", o.view().isPresent() ? o.nowMillis() / 1000 : 0));
    Optional<String> unguarded = s.observation().flatMap(Fencing::whyCannotLead);
    if (unguarded.isPresent()) {
      // Patroni's flag: peers leave this node out of failover candidates ("not watchdog capable").
      d.put("watchdog_failed", true);
      d.put("watchdog_failed_reason", unguarded.get());
    }
    if (!s.tags().isEmpty()) {
      d.put("tags", s.tags());
    }
    s.observation().flatMap(o -> o.pg().sysid()).ifPresent(id -> d.put("database_system_identifier", id));
    if (pg.map(PgStatus::pendingRestart).orElse(false)) {
      d.put("pending_restart", true);
    }
    Map<String, Object> patroni = new LinkedHashMap<>(); // Patroni's order; Map.of's changes from run to run
    patroni.put("version", MemberDocument.PROTOCOL_VERSION);
    patroni.put("scope", scope);
    d.put("patroni", patroni);
    s.scheduledRestart().ifPresent(r -> d.put("scheduled_restart", r));
    if (s.paused()) {
      d.put("pause", true);
    }
    return d;
  }

  private static Map<String, Object> replicationRow(ReplicationRow r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("usename", r.usename());
    m.put("application_name", r.applicationName());
    m.put("client_addr", r.clientAddr().orElse(null));
    m.put("state", r.state());
    m.put("sync_state", r.syncState());
    m.put("sync_priority", r.syncPriority());
    return m;
  }

  @Override
  public Map<String, Object> clusterDocument() {
    Optional<ClusterView> view = snapshot.observation().flatMap(Observation::view);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("members", view.map(ClusterDocument::members).orElse(List.of()));
    if (snapshot.paused()) {
      doc.put("pause", true);
    }
    return doc;
  }

  /** The {@code api_url} of every member in the last cluster view: allowlist_include_members admits their hosts. */
  public List<String> memberApiUrls() {
    return snapshot.observation().flatMap(Observation::view)
        .map(v -> v.members().stream().flatMap(m -> m.apiUrl().stream()).toList()).orElse(List.of());
  }

  @Override
  public List<Object> historyDocument() {
    return snapshot.observation().flatMap(Observation::view)
        .map(v -> (List<Object>) new ArrayList<Object>(v.history())).orElse(List.of());
  }

  @Override
  public Optional<Map<String, Object>> configDocument() {
    return snapshot.observation().flatMap(Observation::view).flatMap(ClusterView::config)
        .map(c -> c.data()).filter(m -> !m.isEmpty());
  }
}
