package io.vigil.sim;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.ConfigNode;
import io.vigil.dcs.FailoverNode;
import io.vigil.dcs.LeaderNode;
import io.vigil.dcs.MemberNode;
import io.vigil.dcs.SyncNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The ZooKeeper ensemble holding one cluster's keys, seen as a single server: znodes with versions and
 * ephemeral owners, sessions that expire {@code timeout} after the server last heard from their client,
 * and one-shot watches that wake the agents. While the ensemble is down nothing expires; when it comes
 * back every session's timer starts afresh, as a newly elected ZooKeeper leader does.
 */
final class SimZooKeeper {

  static final String INITIALIZE = "initialize";
  static final String CONFIG = "config";
  static final String LEADER = "leader";
  static final String STATUS = "status";
  static final String HISTORY = "history";
  static final String FAILOVER = "failover";
  static final String SYNC = "sync";
  static final String FAILSAFE = "failsafe";
  static final String MEMBERS = "members/";

  /** Who gets told about watched changes: the agents' ZooKeeper clients. */
  interface Watcher {
    void fired(int watchBits);
  }

  private final SimClock clock;
  private final Trace trace;
  private final TreeMap<String, Znode> znodes = new TreeMap<>();
  private final TreeMap<Long, ZkSession> sessions = new TreeMap<>();
  private final List<Watcher> watchers = new ArrayList<>();
  private boolean up = true;
  private boolean membersContainer;
  private long nextSession = 1;
  private ClusterView view;
  /** Told of every znode written (created or set), after the write: the invariant checker watches /config and /sync. */
  private java.util.function.BiConsumer<String, Object> written = (path, data) -> { };

  SimZooKeeper(SimClock clock, Trace trace) {
    this.clock = clock;
    this.trace = trace;
  }

  boolean up() {
    return up;
  }

  void setUp(boolean next) {
    up = next;
    if (up) {
      for (ZkSession s : sessions.values()) {
        if (!s.expired) {
          s.lastHeard = clock.now();
          if (!s.contact) {
            scheduleExpiry(s);
          }
        }
      }
    }
  }

  void onWrite(java.util.function.BiConsumer<String, Object> listener) {
    written = listener;
  }

  void addWatcher(Watcher w) {
    watchers.add(w);
  }

  void removeWatcher(Watcher w) {
    watchers.remove(w);
  }

  ZkSession open(String owner, long timeoutMs) {
    ZkSession s = new ZkSession(nextSession++, owner, timeoutMs, clock.now());
    s.contact = true;
    sessions.put(s.id, s);
    return s;
  }

  boolean alive(long session) {
    ZkSession s = sessions.get(session);
    return s != null && !s.expired;
  }

  void contact(ZkSession s, boolean contact) {
    if (s.expired || s.contact == contact) {
      return;
    }
    s.contact = contact;
    s.contactEpoch++;
    s.lastHeard = clock.now();
    if (!contact) {
      scheduleExpiry(s);
    }
  }

  private void scheduleExpiry(ZkSession s) {
    long epoch = s.contactEpoch;
    clock.at(s.lastHeard + s.timeoutMs, () -> {
      if (up && !s.expired && !s.contact && s.contactEpoch == epoch && clock.now() - s.lastHeard >= s.timeoutMs) {
        end(s, "expired");
      }
    });
  }

  /** The client closed its session (agent exit): its ephemeral znodes go at once. */
  void close(long session) {
    ZkSession s = sessions.get(session);
    if (s != null && !s.expired) {
      end(s, "closed");
    }
  }

  private void end(ZkSession s, String how) {
    s.expired = true;
    List<String> gone = new ArrayList<>();
    for (Map.Entry<String, Znode> e : znodes.entrySet()) {
      if (e.getValue().ephemeralOwner() == s.id) {
        gone.add(e.getKey());
      }
    }
    gone.forEach(this::remove);
    trace.event(clock.now(), "zk", "session s" + s.id + " of " + s.owner + " " + how
        + (gone.isEmpty() ? "" : ", deleted " + String.join(", ", gone)));
  }

  // ---- znode operations (the caller has checked that its session is alive and in contact) ----

  Optional<Znode> get(String path) {
    return Optional.ofNullable(znodes.get(path));
  }

  /** Create; false when the znode exists already. */
  boolean create(String path, Object data, long ephemeralOwner) {
    if (znodes.containsKey(path)) {
      return false;
    }
    znodes.put(path, new Znode(data, 0, ephemeralOwner));
    view = null;
    written.accept(path, data);
    if (path.startsWith(MEMBERS)) {
      fire(Watch.MEMBERS_CHILDREN.bit() | (membersContainer ? 0 : Watch.BASE_CHILDREN.bit()));
      membersContainer = true;
    } else {
      fire(Watch.BASE_CHILDREN.bit());
    }
    return true;
  }

  /** Set the data of an existing znode (any version); false when it does not exist. */
  boolean set(String path, Object data) {
    Znode z = znodes.get(path);
    if (z == null) {
      return false;
    }
    znodes.put(path, z.withData(data));
    view = null;
    written.accept(path, data);
    fire(dataWatch(path));
    return true;
  }

  /**
   * KeyWriter.setOrCreate with a version: compare-and-set, except that version 0 writes unconditionally
   * (Patroni's {@code version or -1}); false when the version does not match or the znode is missing.
   */
  boolean setIfVersion(String path, Object data, int version) {
    Znode z = znodes.get(path);
    if (version == 0) {
      put(path, data);
      return true;
    }
    return z != null && z.version() == version && set(path, data);
  }

  /** Set or create a persistent znode. */
  void put(String path, Object data) {
    if (!set(path, data)) {
      create(path, data, 0);
    }
  }

  void remove(String path) {
    if (znodes.remove(path) == null) {
      return;
    }
    view = null;
    fire(path.startsWith(MEMBERS) ? Watch.MEMBERS_CHILDREN.bit() : Watch.BASE_CHILDREN.bit() | dataWatch(path));
  }

  private static int dataWatch(String path) {
    return switch (path) {
      case CONFIG -> Watch.CONFIG.bit();
      case LEADER -> Watch.LEADER.bit();
      case HISTORY -> Watch.HISTORY.bit();
      case FAILOVER -> Watch.FAILOVER.bit();
      case STATUS -> Watch.STATUS.bit();
      default -> 0;
    };
  }

  private void fire(int bits) {
    if (bits == 0) {
      return;
    }
    for (Watcher w : List.copyOf(watchers)) {
      w.fired(bits);
    }
  }

  /** One full read, as the agent's ClusterReader assembles it. */
  @SuppressWarnings("unchecked")
  ClusterView view() {
    if (view != null) {
      return view;
    }
    Optional<String> initialize = get(INITIALIZE).map(z -> (String) z.data());
    Optional<ConfigNode> config = get(CONFIG).map(z -> new ConfigNode((Map<String, Object>) z.data(), z.version()));
    Optional<LeaderNode> leader = get(LEADER)
        .map(z -> new LeaderNode((String) z.data(), z.ephemeralOwner(), z.version()));
    List<MemberNode> members = new ArrayList<>();
    for (Map.Entry<String, Znode> e : znodes.subMap(MEMBERS, MEMBERS + Character.MAX_VALUE).entrySet()) {
      members.add(new MemberNode(e.getKey().substring(MEMBERS.length()), (Map<String, Object>) e.getValue().data(),
          e.getValue().ephemeralOwner()));
    }
    OptionalLong optime = get(STATUS).map(z -> OptionalLong.of((Long) z.data())).orElse(OptionalLong.empty());
    Optional<Znode> history = get(HISTORY);
    List<List<Object>> lines = history.map(z -> (List<List<Object>>) z.data()).orElse(List.of());
    view = new ClusterView(initialize, config, leader, members, optime, lines, history.isPresent(),
        get(FAILOVER).flatMap(SimZooKeeper::failover), get(SYNC).map(z -> SyncNode.from(z.data(), z.version())),
        get(FAILSAFE).map(z -> (Map<String, String>) z.data()));
    return view;
  }

  /** WireFormat.failover: a request needs a leader or a member; {@code {}} means none. */
  @SuppressWarnings("unchecked")
  private static Optional<FailoverNode> failover(Znode z) {
    Map<String, Object> value = (Map<String, Object>) z.data();
    Optional<String> leader = Optional.ofNullable((String) value.get("leader"));
    Optional<String> member = Optional.ofNullable((String) value.get("member"));
    if (leader.isEmpty() && member.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new FailoverNode(leader, member, Optional.empty(), z.version()));
  }
}
