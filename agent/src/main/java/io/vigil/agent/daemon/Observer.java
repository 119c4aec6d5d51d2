package io.vigil.agent.daemon;

import io.vigil.agent.api.ClientTls;
import io.vigil.agent.ha.FailsafeRound;
import io.vigil.agent.ha.Guards;
import io.vigil.agent.ha.LeaderRace;
import io.vigil.agent.ha.LocalPg;
import io.vigil.agent.ha.NodeSettings;
import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.PeerStatus;
import io.vigil.agent.ha.PermanentSlots;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsException;
import io.vigil.dcs.MemberNode;
import io.vigil.postgres.DataDirectory;
import io.vigil.postgres.LocalPostgres;
import io.vigil.postgres.PgStatus;
import io.vigil.postgres.PostgresException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Gathers one {@link Observation}: the DCS view, local PostgreSQL, and peers when the lock is free. */
final class Observer {

  private static final Logger LOG = LoggerFactory.getLogger(Observer.class);

  private final Dcs dcs;
  private final LocalPostgres pg;
  private final PeerClient peers;
  private final Clock clock;
  private Optional<String> sysid = Optional.empty();
  private String lastStatusError = "";

  /** Called when the postmaster exits, so a crash is handled at once rather than at the next tick. */
  private Runnable onPostmasterExit = () -> { };

  private Supplier<Guards> guards = () -> Guards.NONE;

  /** Where the watchdog and fence state comes from (none when not set). */
  void guards(Supplier<Guards> source) {
    this.guards = source;
  }

  private FailsafeState failsafe = new FailsafeState();
  private FailsafeClient failsafeClient = new FailsafeClient(Optional.empty(), ClientTls::insecureAnonymous);

  /** The POSTs this agent accepted, and the client its own failsafe rounds use. */
  void failsafe(FailsafeState state, FailsafeClient client) {
    this.failsafe = state;
    this.failsafeClient = client;
  }

  void onPostmasterExit(Runnable wake) {
    this.onPostmasterExit = wake;
  }

  Observer(Dcs dcs, LocalPostgres pg, PeerClient peers, Clock clock) {
    this.dcs = dcs;
    this.pg = pg;
    this.peers = peers;
    this.clock = clock;
  }

  Observation observe(NodeSettings settings) {
    Optional<ClusterView> view = Optional.empty();
    Optional<String> dcsError = Optional.empty();
    long silentMs = dcs.millisSinceLastContact();
    long ttlMs = settings.dynamic().ttl() * 1000L;
    if (silentMs != Long.MAX_VALUE && silentMs > ttlMs) {
      // ZooKeeper expires a session it has not heard from for ttl, and it heard from us no later than we
      // heard from it: the lock is gone whatever a read would say, and a read would first wait for the
      // reconnection. A primary frozen (SIGSTOP, VM pause) past ttl is fenced at once when it thaws.
      dcsError = Optional.of("ZooKeeper has not answered for " + silentMs / 1000 + " s, longer than ttl ("
          + settings.dynamic().ttl() + " s): the session has expired");
    } else {
      try {
        view = Optional.of(dcs.read());
      } catch (DcsException e) {
        dcsError = Optional.of(e.getMessage());
      }
    }
    LocalPg local = local(!PermanentSlots.of(settings.dynamic().raw()).slots().isEmpty());
    List<PeerStatus> peerStatus = List.of();
    boolean race = view.isPresent() && view.get().leader().isEmpty() && local.running();
    boolean manualFailover = view.isPresent() && view.get().failover().isPresent();
    if ((race || manualFailover) && local.dataDir() == LocalPg.DataDir.INITIALIZED) {
      List<MemberNode> others = LeaderRace.candidates(view.get(), settings);
      peerStatus = peers.poll(others);
    }
    view.ifPresent(v -> failsafe.sawTopology(v.failsafe()));
    Optional<FailsafeRound> round = Optional.empty();
    if (view.isEmpty() && local.running() && local.isPrimary() && settings.dynamic().failsafeMode()
        && !settings.dynamic().pause()) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", settings.name());
      body.put("conn_url", settings.connUrl());
      body.put("api_url", settings.apiUrl());
      body.put("slots", Map.of());
      round = Optional.of(failsafeClient.round(failsafe.topology(), settings.name(), body, clock.monotonicMillis()));
    }
    return new Observation(clock.millis(), view, dcsError, dcs.sessionId(), local, peerStatus, settings, guards.get(),
        round, failsafe.leader());
  }

  /** @param slots whether to list the replication slots: only the permanent ones are decided from the list */
  private LocalPg local(boolean slots) {
    DataDirectory state = pg.dataDirectoryState();
    LocalPg.DataDir dataDir = switch (state) {
      case MISSING_OR_EMPTY -> LocalPg.DataDir.EMPTY;
      case INITIALIZED -> LocalPg.DataDir.INITIALIZED;
      case NOT_ACCESSIBLE -> LocalPg.DataDir.NOT_ACCESSIBLE;
    };
    if (dataDir != LocalPg.DataDir.INITIALIZED) {
      sysid = Optional.empty();
      return new LocalPg(dataDir, false, Optional.empty(), Optional.empty());
    }
    if (sysid.isEmpty()) {
      try {
        sysid = Optional.of(pg.controlData().systemIdentifier());
      } catch (PostgresException e) {
        LOG.warn("pg_controldata failed: {}", e.getMessage());
      }
    }
    boolean running = pg.isRunning();
    Optional<PgStatus> status = Optional.empty();
    if (running) {
      try {
        status = Optional.of(pg.status());
        lastStatusError = "";
      } catch (PostgresException e) {
        if (!e.getMessage().equals(lastStatusError)) {
          LOG.warn("Error communicating with PostgreSQL: {}", e.getMessage());
          lastStatusError = e.getMessage();
        }
      }
    }
    boolean wasPrimary = false;
    if (running) {
      pg.watchPostmaster(onPostmasterExit);
    } else {
      try {
        wasPrimary = pg.wasPrimary();
      } catch (PostgresException e) {
        LOG.warn("pg_controldata failed: {}", e.getMessage());
      }
    }
    LocalPg local = new LocalPg(dataDir, running, status, sysid, wasPrimary);
    if (slots && status.isPresent()) {
      try {
        local = local.withSlots(pg.replicationSlots());
      } catch (PostgresException e) {
        LOG.debug("replication slot list failed, slots unknown this cycle: {}", e.getMessage());
      }
    }
    return local;
  }
}
