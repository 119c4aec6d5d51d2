package io.vigil.sim;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.LeaderNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One agent's ZooKeeper client: the Dcs port as ZooKeeperDcs implements it on Curator. It keeps one
 * session; loses contact when the agent is frozen or killed, when its link to ZooKeeper is cut, or when
 * ZooKeeper is down; notices a cut link only after the liveness timeout (a stopped server at once);
 * and on regaining contact either resumes its session or, if that expired, opens a new one. Every
 * connection change and every fired watch wakes the HA loop. Retried calls wait up to retry_timeout
 * for contact, single calls up to one second (or until a lost link is noticed).
 */
final class SimDcsClient implements SimZooKeeper.Watcher {

  private final SimAgent agent;
  private final SimZooKeeper zk;
  private final SimNetwork network;
  private final SimClock clock;
  private final SimSettings settings;
  private final String name;
  private ZkSession session;
  /** The session id SessionMonitor reports: 0 before the first connection and after LOST. */
  private long reportedSession;
  private boolean contact;
  private boolean closed;
  private long contactLostAt;
  private long lastContactMillis;
  private boolean lossNoticed;
  private long contactEpoch;
  private int armed;
  private final List<Runnable> waitingForContact = new ArrayList<>();
  private OptionalLong lastStatusOptime = OptionalLong.empty();
  private Map<String, Object> lastMember;
  private int lastMemberVersion = -1;

  SimDcsClient(SimAgent agent, SimZooKeeper zk, SimNetwork network, SimClock clock, SimSettings settings, String name) {
    this.agent = agent;
    this.zk = zk;
    this.network = network;
    this.clock = clock;
    this.settings = settings;
    this.name = name;
    zk.addWatcher(this);
  }

  /** Wall-clock time of the last answer from ZooKeeper (the liveness probe keeps it current while connected). */
  long lastContactMillis() {
    return contact ? agent.node.monotonicMillis() : lastContactMillis;
  }

  long sessionId() {
    return reportedSession;
  }

  /** The id of the session behind the client's current handle (CuratorSessions.currentSession). */
  long currentSession() {
    return session == null ? 0 : session.id;
  }

  /** The cluster recomputes contact whenever ZooKeeper, the network or the agent process changes. */
  void updateContact(boolean reachable, boolean serverDown) {
    if (closed || reachable == contact) {
      return;
    }
    contact = reachable;
    contactEpoch++;
    if (reachable) {
      regained();
    } else {
      lost(serverDown);
    }
  }

  private void regained() {
    if (session == null || !zk.alive(session.id)) {
      session = zk.open(name, settings.ttlMs());
      agent.traceEvent("zookeeper session s" + session.id + " established");
    } else {
      zk.contact(session, true);
    }
    reportedSession = session.id;
    lossNoticed = false;
    agent.wakeUp();
    List<Runnable> waiting = List.copyOf(waitingForContact);
    waitingForContact.clear();
    waiting.forEach(Runnable::run);
  }

  private void lost(boolean serverDown) {
    contactLostAt = clock.now();
    lastContactMillis = agent.node.monotonicMillis();
    if (session != null) {
      zk.contact(session, false);
    }
    long epoch = contactEpoch;
    // A stopped server closes the connection; a silent link is only noticed when a request times out.
    agent.later(serverDown ? 0 : settings.livenessTimeoutMs(), () -> {
      if (contactEpoch == epoch) {
        lossNoticed = true;
        agent.wakeUp();
      }
    });
    // Curator reports LOST once disconnected for a whole session timeout.
    agent.later(settings.ttlMs(), () -> {
      if (contactEpoch == epoch) {
        reportedSession = 0;
        agent.wakeUp();
      }
    });
  }

  /** The agent process died: the session is left to expire; nothing more happens on this client. */
  void kill() {
    updateContact(false, false);
    closed = true;
    zk.removeWatcher(this);
    waitingForContact.clear();
  }

  /** The agent exited cleanly (Daemon closes the Node): the session ends now, with its ephemeral znodes. */
  void close() {
    if (session != null) {
      zk.close(session.id);
    }
    kill();
  }

  @Override
  public void fired(int bits) {
    int hit = armed & bits;
    if (!contact || hit == 0) {
      return;
    }
    armed &= ~hit;
    agent.later(network.zooKeeperLatency(), agent::wakeUp);
  }

  // ---- the Dcs port ----

  void read(Consumer<DcsResult<ClusterView>> done) {
    retrying("read cluster", s -> {
      ClusterView v = zk.view();
      armed = Watch.BASE_CHILDREN.bit() | Watch.MEMBERS_CHILDREN.bit()
          | (v.config().isPresent() ? Watch.CONFIG.bit() : 0)
          | (v.leader().isPresent() ? Watch.LEADER.bit() : 0)
          | (v.historyPresent() ? Watch.HISTORY.bit() : 0)
          | (zk.get(SimZooKeeper.FAILOVER).isPresent() ? Watch.FAILOVER.bit() : 0)
          | (v.optime().isPresent() && !v.isLockedBy(name) ? Watch.STATUS.bit() : 0);
      return v;
    }, done);
  }

  void attemptInitialize(Consumer<DcsResult<Boolean>> done) {
    retrying("attempt initialize", s -> zk.create(SimZooKeeper.INITIALIZE, "", 0), done);
  }

  void setInitialize(String sysid, Consumer<DcsResult<Boolean>> done) {
    retrying("set initialize", s -> {
      zk.put(SimZooKeeper.INITIALIZE, sysid);
      return true;
    }, done);
  }

  void cancelInitialize(Consumer<DcsResult<Boolean>> done) {
    retrying("cancel initialize", s -> {
      zk.remove(SimZooKeeper.INITIALIZE);
      return true;
    }, done);
  }

  void writeConfig(Map<String, Object> config, Consumer<DcsResult<Boolean>> done) {
    retrying("write config", s -> {
      zk.put(SimZooKeeper.CONFIG, config);
      return true;
    }, done);
  }

  void attemptLeader(Consumer<DcsResult<Boolean>> done) {
    retrying("acquire leader lock", s -> {
      boolean won = acquire(s);
      if (won) {
        // A new term: the first status write must happen even if the optime equals an old one.
        lastStatusOptime = OptionalLong.empty();
      }
      return won;
    }, done);
  }

  /** LeaderLock.acquire: create-if-absent; an existing lock counts as won only if this session owns it. */
  private boolean acquire(ZkSession s) {
    if (zk.create(SimZooKeeper.LEADER, name, s.id)) {
      return true;
    }
    return zk.get(SimZooKeeper.LEADER).map(z -> name.equals(z.data()) && z.ephemeralOwner() == s.id).orElse(false);
  }

  /** ZooKeeperDcs.refreshLeader and LeaderLock.refresh. */
  void refreshLeader(ClusterView view, Consumer<DcsResult<Boolean>> done) {
    if (view.isLockedBy(name, currentSession())) {
      done.accept(DcsResult.ok(true));
      return;
    }
    retrying("refresh leader lock", s -> {
      java.util.Optional<LeaderNode> seen = view.leader();
      if (seen.isEmpty() || !seen.get().name().equals(name)) {
        return false;
      }
      var current = zk.get(SimZooKeeper.LEADER);
      if (current.isPresent()) {
        if (name.equals(current.get().data()) && current.get().ephemeralOwner() == s.id) {
          return true;
        }
        if (!name.equals(current.get().data())) {
          return false;
        }
        zk.remove(SimZooKeeper.LEADER);
      }
      return acquire(s);
    }, done);
  }

  /** MemberPublisher.touch: reclaim a znode of another session, re-create on a running toggle, skip if unchanged. */
  void touchMember(Map<String, Object> data, Consumer<DcsResult<Boolean>> done) {
    String path = SimZooKeeper.MEMBERS + name;
    once("touch member", s -> {
      var stat = zk.get(path);
      boolean otherSession = stat.isPresent() && stat.get().ephemeralOwner() != s.id;
      if (stat.isPresent() && (otherSession || (lastMember != null && mustRecreate(lastMember, data)))) {
        zk.remove(path);
        stat = java.util.Optional.empty();
      }
      if (stat.isPresent() && lastMember != null && stat.get().version() == lastMemberVersion
          && lastMember.equals(data)) {
        return true;
      }
      if (stat.isEmpty()) {
        zk.create(path, data, s.id);
        lastMemberVersion = 0;
      } else {
        zk.set(path, data);
        lastMemberVersion = stat.get().version() + 1;
      }
      lastMember = data;
      return true;
    }, done);
  }

  /** Patroni 3.0.x peers see member changes only as a new znode: tags, version, or a running toggle. */
  private static boolean mustRecreate(Map<String, Object> before, Map<String, Object> after) {
    return !Objects.equals(before.get("tags"), after.get("tags"))
        || !Objects.equals(before.get("version"), after.get("version"))
        || "running".equals(before.get("state")) != "running".equals(after.get("state"));
  }

  /** Writes {@code status} unless this term already wrote the same optime; {@code onWrite} runs at the write. */
  void writeStatus(long optime, Runnable onWrite, Consumer<DcsResult<Boolean>> done) {
    if (lastStatusOptime.isPresent() && lastStatusOptime.getAsLong() == optime) {
      done.accept(DcsResult.ok(true));
      return;
    }
    once("write status", s -> {
      zk.put(SimZooKeeper.STATUS, optime);
      lastStatusOptime = OptionalLong.of(optime);
      onWrite.run();
      return true;
    }, done);
  }

  /** Writes {@code failover}; with a version only if nobody wrote a newer request meanwhile. */
  void writeFailover(Map<String, Object> value, OptionalInt expectedVersion, Consumer<DcsResult<Boolean>> done) {
    once("write failover", s -> expectedVersion.isPresent()
        ? zk.setIfVersion(SimZooKeeper.FAILOVER, value, expectedVersion.getAsInt())
        : setOrCreate(SimZooKeeper.FAILOVER, value), done);
  }

  /** ZooKeeperDcs.writeSync: CAS on the version when given; a conflict fails as the DcsException it throws. */
  void writeSync(Map<String, Object> value, OptionalInt expectedVersion, Consumer<DcsResult<Boolean>> done) {
    retrying("write sync", s -> expectedVersion.isPresent()
        ? zk.setIfVersion(SimZooKeeper.SYNC, value, expectedVersion.getAsInt())
        : setOrCreate(SimZooKeeper.SYNC, value), r -> done.accept(r.failed() || r.value() ? r
            : DcsResult.failed("sync key changed since version " + expectedVersion.orElse(0) + " was read; not written")));
  }

  private boolean setOrCreate(String path, Object value) {
    zk.put(path, value);
    return true;
  }

  /** Gives the lock up: writes {@code status} with the last optime if given, then deletes our own lock. */
  void releaseLeader(OptionalLong lastOptime, Runnable onStatusWrite, Consumer<DcsResult<Boolean>> done) {
    Runnable release = () -> retrying("release leader lock", s -> {
      zk.get(SimZooKeeper.LEADER).filter(z -> name.equals(z.data()) && z.ephemeralOwner() == s.id)
          .ifPresent(z -> zk.remove(SimZooKeeper.LEADER));
      return true;
    }, done);
    if (lastOptime.isEmpty()) {
      release.run();
      return;
    }
    writeStatus(lastOptime.getAsLong(), onStatusWrite, written -> {
      if (written.failed()) {
        done.accept(written);
      } else {
        release.run();
      }
    });
  }

  void writeHistory(List<List<Object>> history, Consumer<DcsResult<Boolean>> done) {
    once("write history", s -> {
      zk.put(SimZooKeeper.HISTORY, history);
      return true;
    }, done);
  }

  /** ZooKeeperDcs.writeFailsafe: one attempt, unconditional. */
  void writeFailsafe(Map<String, String> members, Consumer<DcsResult<Boolean>> done) {
    Map<String, String> value = Map.copyOf(members);
    once("write failsafe", s -> {
      zk.put(SimZooKeeper.FAILSAFE, value);
      return true;
    }, done);
  }

  // ---- the two retry disciplines of ZkCalls ----

  private <T> void retrying(String what, Function<ZkSession, T> op, Consumer<DcsResult<T>> done) {
    call(what, settings.retryTimeoutMs(), " for retry_timeout " + settings.retryTimeoutSeconds() + " s", op, done);
  }

  private <T> void once(String what, Function<ZkSession, T> op, Consumer<DcsResult<T>> done) {
    // A lost link the client has not noticed yet swallows the request until it times out.
    long wait = lossNoticed ? 1_000 : Math.max(1_000, contactLostAt + settings.livenessTimeoutMs() - clock.now());
    call(what, wait, "", op, done);
  }

  private <T> void call(String what, long maxWait, String suffix, Function<ZkSession, T> op,
      Consumer<DcsResult<T>> done) {
    if (contact) {
      T value = op.apply(session);
      agent.later(network.zooKeeperLatency(), () -> done.accept(DcsResult.ok(value)));
      return;
    }
    boolean[] finished = new boolean[1];
    Runnable attempt = () -> {
      if (!finished[0]) {
        finished[0] = true;
        T value = op.apply(session);
        agent.later(network.zooKeeperLatency(), () -> done.accept(DcsResult.ok(value)));
      }
    };
    waitingForContact.add(attempt);
    agent.later(maxWait, () -> {
      if (!finished[0]) {
        finished[0] = true;
        waitingForContact.remove(attempt);
        done.accept(DcsResult.failed(what + " failed: not connected to ZooKeeper" + suffix));
      }
    });
  }
}
