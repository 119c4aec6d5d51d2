package io.vigil.sim;

import io.vigil.agent.ha.Action;
import io.vigil.agent.ha.Decision;
import io.vigil.agent.ha.NodeSettings;
import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.FailsafeRound;
import io.vigil.agent.ha.PeerStatus;
import io.vigil.dcs.FailoverTags;
import io.vigil.dcs.MemberNode;
import io.vigil.postgres.RecoveryTarget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The simulated world of one schedule: ZooKeeper, the network, the nodes with their PostgreSQL and
 * agents, and the clients writing through an HAProxy-like router. A data-plane tick every 100 ms
 * streams WAL to the standbys and sends the clients' writes.
 *
 * <p>The router sends a write to a node whose REST API answers {@code /primary} with 200, as HAProxy's
 * health check would (checks are assumed instant). Other clients bypass the router and write to every
 * PostgreSQL that accepts writes; their acknowledgements from a stale primary are the split-brain
 * statistic.
 */
final class SimCluster {

  static final long TICK_MS = 100;
  /** WAL a connected standby receives per tick when it is behind: catching up takes a few ticks. */
  private static final long STREAM_BYTES_PER_TICK = 4L << 20;

  /** The last {@code /status} optime written by a lock holder, and that holder's WAL when it wrote it. */
  record LeaderPosition(long optime, WalHistory wal, String writer) {}

  private final SimSettings settings;
  private final RunOptions options;
  private final SimClock clock = new SimClock();
  private final Trace trace = new Trace();
  private final SplittableRandom rng;
  private final SimZooKeeper zk;
  private final SimNetwork network;
  private final List<SimNode> nodes = new ArrayList<>();
  private final DecisionCore core;
  private final InvariantChecker checker;
  private final String[] stuck;
  private long generation;
  private SimNode newestPrimary;
  private long newestPrimarySince;
  private LeaderPosition lastLeaderPosition;
  private int promotions;
  private int rewinds;
  private int decisions;
  private long routedWrites;
  /** Told once, with the node, when the next promotion completes (a fault waiting for a failover). */
  private final List<Consumer<SimNode>> nextPromotion = new ArrayList<>();

  SimCluster(SimSettings settings, SplittableRandom rng, DecisionCore core, RunOptions options) {
    this.settings = settings;
    this.options = options;
    this.rng = rng;
    this.core = core;
    this.zk = new SimZooKeeper(clock, trace);
    this.network = new SimNetwork(settings.nodes(), rng.split());
    this.checker = new InvariantChecker(this, settings, options.strictLiveness(), options.fence());
    zk.onWrite((path, data) -> {
      if (path.equals(SimZooKeeper.CONFIG)) {
        checker.configWritten(data);
      } else if (path.equals(SimZooKeeper.SYNC)) {
        checker.syncWritten();
      }
    });
    this.stuck = new String[settings.nodes()];
    for (int i = 0; i < settings.nodes(); i++) {
      String name = "node" + (i + 1);
      SimPostgres pg = new SimPostgres(this, clock, rng.split(), name, i);
      // NTP keeps the wall clocks within a few hundred milliseconds of each other.
      SimNode node = new SimNode(i, name, "10.0.0." + (i + 1), pg, clock, rng.nextLong(-300, 301));
      node.fence = new SimFence(node, this);
      nodes.add(node);
    }
  }

  /** Starts every agent within the first two seconds and the data-plane ticks. */
  void start() {
    for (SimNode n : nodes) {
      clock.at(rng.nextLong(2_000), () -> startAgent(n));
    }
    clock.at(TICK_MS, this::tick);
  }

  /** Runs until a violation, convergence after the faults, or the end of the liveness bound. */
  void run() {
    long end = settings.healAtMs() + settings.convergenceBoundMs() + 1_000;
    while (!checker.done() && clock.step(end)) {
      checker.afterEvent();
    }
  }

  // ---- what the rest of the simulator reads ----

  long now() {
    return clock.now();
  }

  SimClock clock() {
    return clock;
  }

  List<SimNode> nodes() {
    return nodes;
  }

  SimNode node(int index) {
    return nodes.get(index);
  }

  Trace traceLog() {
    return trace;
  }

  InvariantChecker checker() {
    return checker;
  }

  SimNode newestPrimary() {
    return newestPrimary;
  }

  long newestPrimarySince() {
    return newestPrimarySince;
  }

  LeaderPosition lastLeaderPosition() {
    return lastLeaderPosition;
  }

  RunOptions options() {
    return options;
  }

  int promotions() {
    return promotions;
  }

  int rewinds() {
    return rewinds;
  }

  int decisions() {
    return decisions;
  }

  long routedWrites() {
    return routedWrites;
  }

  long nextGeneration() {
    return ++generation;
  }

  SimNode nodeByHost(String host) {
    return nodes.stream().filter(n -> n.host.equals(host)).findFirst().orElse(null);
  }

  SimNode nodeByName(String name) {
    return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElse(null);
  }

  void trace(String who, String text) {
    trace.event(clock.now(), who, text);
  }

  void traceDecision(String node, Observation o, Decision d) {
    decisions++;
    trace.decision(clock.now(), node, o, d);
  }

  /** REST answers {@code /primary} with 200: a running agent whose published lock flag is valid. */
  boolean answersPrimary(SimNode n) {
    return n.agentRunning() && n.agent().published.primaryOk(n.monotonicMillis());
  }

  /** The leader znode names the node and is owned by its agent's live session. */
  boolean holdsLock(SimNode n) {
    SimAgent a = n.agent();
    return a != null && zk.get(SimZooKeeper.LEADER)
        .map(z -> n.name.equals(z.data()) && z.ephemeralOwner() == a.dcs.currentSession()
            && zk.alive(z.ephemeralOwner()))
        .orElse(false);
  }

  /** The node the leader znode names while the session owning it is alive. */
  java.util.Optional<String> lockHolder() {
    return zk.get(SimZooKeeper.LEADER).filter(z -> zk.alive(z.ephemeralOwner())).map(z -> String.valueOf(z.data()));
  }

  /** The node's member znode exists. */
  boolean isMember(SimNode n) {
    return zk.get(SimZooKeeper.MEMBERS + n.name).isPresent();
  }

  String lockDescription() {
    return zk.get(SimZooKeeper.LEADER).map(z -> "held by " + z.data() + " with session s" + z.ephemeralOwner())
        .orElse("free");
  }

  String describe(SimNode n) {
    SimPostgres pg = n.pg;
    String agent = n.agent() == null ? "agent dead" : n.paused() ? "agent frozen" : "agent running";
    String data = pg.initialized() ? (pg.standby() ? "standby " : "primary ") + pg.wal()
        + (pg.upstream().hasUpstream() ? " following " + pg.upstream().host() : "") : "empty data directory";
    return n.name + ": " + agent + ", postgres " + pg.process() + ", " + data
        + (stuck[n.index] != null ? ", " + stuck[n.index] : "");
  }

  // ---- hooks for the agents, PostgreSQL and ZooKeeper models ----

  SimDcsClient newDcsClient(SimAgent agent) {
    return new SimDcsClient(agent, zk, network, clock, settings, agent.name());
  }

  void pgEvent(SimPostgres pg, String text) {
    trace(pg.name, "postgres: " + text);
  }

  /** A server started accepting writes on the timeline it had (bootstrap, a start as primary). */
  void startedAsPrimary(SimPostgres pg, String text) {
    checker.startedAsPrimary(nodes.get(pg.index), pg.wal());
    becameWritable(pg, text);
  }

  /** A promotion opened a new timeline; {@code parent} is the WAL it forked from. */
  void promoted(SimPostgres pg, WalHistory parent, String text) {
    SimNode node = nodes.get(pg.index);
    checker.promoted(node, parent);
    becameWritable(pg, text);
    List<Consumer<SimNode>> waiting = List.copyOf(nextPromotion);
    nextPromotion.clear();
    waiting.forEach(w -> w.accept(node));
  }

  void afterNextPromotion(Consumer<SimNode> action) {
    nextPromotion.add(action);
  }

  private void becameWritable(SimPostgres pg, String text) {
    newestPrimary = nodes.get(pg.index);
    newestPrimarySince = clock.now();
    promotions++;
    pgEvent(pg, text + "; accepts writes");
  }

  /** pg_rewind cut a diverged data directory back: the WAL past the fork is discarded. */
  void rewound(SimPostgres pg, long discardedBytes) {
    rewinds++;
    pgEvent(pg, "pg_rewind discarded " + discardedBytes + " bytes of WAL past the fork");
  }

  void statusWritten(SimNode writer, long optime) {
    lastLeaderPosition = new LeaderPosition(optime, writer.pg.wal(), writer.name);
  }

  void racing(SimAgent agent, Observation o) {
    checker.racing(agent, o);
  }

  void promoting(SimAgent agent, Observation o) {
    checker.promoting(agent, o);
  }

  void handedOver(Handover h) {
    trace(h.from(), "switchover: stopped cleanly for " + h.candidate() + " with final WAL " + h.finalWal());
    checker.handedOver(h);
  }

  /** The daemon exits; systemd (Restart=on-failure, RestartSec=5) starts it again. */
  void agentExited(SimNode node, SimAgent agent, Action.Exit exit) {
    trace(node.name, "agent exits with status " + exit.code() + ": " + exit.message());
    agent.guardian.close();
    agent.dcs.close();
    node.detach();
    if (exit.code() != 0) {
      clock.after(5_000, () -> restartAgent(node));
    }
  }

  boolean canStreamFrom(SimPostgres standby, SimPostgres source) {
    return network.linked(standby.index, source.index) && source.process() == SimPostgres.Process.RUNNING;
  }

  /** PeerClient.poll: all peers in parallel, each answer or 2 s timeout; done when the slowest is. */
  void pollPeers(SimAgent asker, List<MemberNode> members, Consumer<List<PeerStatus>> done) {
    List<PeerStatus> answers = new ArrayList<>();
    long slowest = 0;
    for (MemberNode m : members) {
      SimNode peer = nodeByName(m.name());
      long latency;
      PeerStatus answer = PeerStatus.unreachable(m.name());
      if (peer == null || m.apiUrl().isEmpty() || !network.linked(asker.node.index, peer.index) || peer.paused()) {
        latency = SimNetwork.REST_TIMEOUT_MS;
      } else if (peer.agent() == null) {
        latency = 1; // connection refused: nothing listens on the REST port
      } else {
        latency = Math.min(network.restLatency(), SimNetwork.REST_TIMEOUT_MS);
        if (latency < SimNetwork.REST_TIMEOUT_MS) {
          answer = peer.agent().published.peerStatus(m.name());
        }
      }
      answers.add(answer);
      slowest = Math.max(slowest, latency);
    }
    List<PeerStatus> result = List.copyOf(answers);
    asker.later(slowest, () -> done.accept(result));
  }

  /**
   * FailsafeClient.round over the simulated network: {@code POST /failsafe} to every other member of the last
   * {@code /failsafe} the asker read, all at once, 2 s timeout and one retry each; accepted only if every one answered
   * 200 Accepted. A peer answers when the request arrives is not modelled: it answers (and remembers the asker) when
   * the call starts, which lets it race at most sooner than it would.
   */
  private int failsafeAccepted;
  private int failsafeRefused;

  int failsafeAccepted() {
    return failsafeAccepted;
  }

  int failsafeRefused() {
    return failsafeRefused;
  }

  void failsafeRound(SimAgent asker, java.util.Optional<Map<String, String>> topology, Consumer<FailsafeRound> done,
      long startedAt) {
    String me = asker.name();
    if (topology.isEmpty() || !topology.get().containsKey(me)) {
      FailsafeRound r = FailsafeRound.refused(topology.isEmpty() ? "no /failsafe was read before ZooKeeper became "
          + "unreachable" : "/failsafe does not name me", startedAt);
      failsafeRefused++;
      asker.later(0, () -> done.accept(r));
      return;
    }
    List<String> refusals = new ArrayList<>();
    long slowest = 0;
    for (String name : new java.util.TreeSet<>(topology.get().keySet())) {
      if (name.equals(me)) {
        continue;
      }
      SimNode peer = nodeByName(name);
      long took = 0;
      String refusal = name + " did not answer";
      for (int attempt = 0; attempt < 2; attempt++) {
        if (peer == null || !network.linked(asker.node.index, peer.index) || peer.paused()) {
          took += SimNetwork.REST_TIMEOUT_MS;
          continue;
        }
        if (peer.agent() == null) {
          took += 1; // connection refused
          continue;
        }
        long latency = Math.min(network.restLatency(), SimNetwork.REST_TIMEOUT_MS);
        took += latency;
        if (latency >= SimNetwork.REST_TIMEOUT_MS) {
          continue;
        }
        SimAgent.AgentControlAnswer answer = peer.agent().answerFailsafe(me);
        refusal = switch (answer) {
          case ACCEPTED -> null;
          case LEADER -> name + " answered 500 Running as a leader";
          case OFF -> name + " answered 502";
        };
        break;
      }
      if (refusal != null) {
        refusals.add(refusal);
      }
      slowest = Math.max(slowest, took);
    }
    FailsafeRound r = refusals.isEmpty() ? FailsafeRound.accepted(startedAt)
        : FailsafeRound.refused(String.join("; ", refusals), startedAt);
    if (r.accepted()) {
      failsafeAccepted++;
    } else {
      failsafeRefused++;
    }
    asker.later(slowest, () -> done.accept(r));
  }

  // ---- agents and faults ----

  private NodeSettings nodeSettings(SimNode n) {
    Map<String, Object> tags = settings.tags(n.index);
    return new NodeSettings(n.name, FailoverTags.nofailover(tags), true, settings.bootstrapDcs(), settings.dynamic(),
        "postgres://" + n.host + ":5432/postgres", "http://" + n.host + ":8008/patroni", tags);
  }

  private void startAgent(SimNode n) {
    SimAgent agent = new SimAgent(n, this, settings, nodeSettings(n), core);
    n.attach(agent);
    trace(n.name, "agent started");
    refreshContacts();
    agent.start();
  }

  void restartAgent(SimNode n) {
    if (n.agent() == null) {
      startAgent(n);
    }
  }

  /** SIGKILL: the session is left to expire; PostgreSQL keeps running. False if no agent was running. */
  boolean kill(SimNode n) {
    SimAgent agent = n.agent();
    if (agent == null) {
      return false;
    }
    agent.dcs.kill();
    n.detach();
    return true;
  }

  /** SIGSTOP or a long GC pause: nothing of the agent runs, its session may expire, PostgreSQL keeps running. */
  boolean freeze(SimNode n) {
    if (!n.agentRunning()) {
      return false;
    }
    n.freeze();
    refreshContacts();
    return true;
  }

  void thaw(SimNode n, SimAgent frozen) {
    if (n.agent() == frozen && n.paused()) {
      n.thaw();
      refreshContacts();
    }
  }

  /** The node's fence stopped its PostgreSQL (a primary) at its deadline. */
  void fenced(SimNode n) {
    checker.fenced(n);
  }

  /**
   * The watchdog fired: the machine resets. PostgreSQL dies, the agent and the fence process with it; the machine
   * boots again and systemd starts the agent 30 s later.
   */
  void machineReset(SimNode n) {
    trace("FAULT", "machine reset of " + n.name + " by its watchdog");
    n.pg.crash();
    n.fence.machineReset();
    if (kill(n)) {
      clock.after(30_000, () -> restartAgent(n));
    }
    refreshContacts();
  }

  void stepClock(SimNode n, long deltaMs) {
    n.jumpClock(deltaMs);
    if (n.agent() != null) {
      n.agent().clockStepped();
    }
  }

  /** Writes {@code /failover} as the switchover endpoint does, naming the current lock holder; skipped without one. */
  void requestSwitchover(SimNode candidate) {
    var leader = zk.get(SimZooKeeper.LEADER);
    if (!zk.up() || leader.isEmpty() || (candidate != null && candidate.name.equals(leader.get().data()))) {
      return;
    }
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("leader", leader.get().data());
    if (candidate != null) {
      request.put("member", candidate.name);
    }
    trace("FAULT", "switchover requested: " + request);
    zk.put(SimZooKeeper.FAILOVER, Collections.unmodifiableMap(request));
  }

  /**
   * An operator's PATCH of {@code /config} (through any node's REST API): the keys are merged into the stored
   * configuration. Refused while ZooKeeper is down, or before the cluster has a {@code /config}.
   */
  @SuppressWarnings("unchecked")
  void patchConfig(Map<String, Object> keys) {
    var config = zk.get(SimZooKeeper.CONFIG);
    if (!zk.up() || config.isEmpty()) {
      trace("FAULT", "PATCH /config " + keys + " refused: " + (zk.up() ? "no /config yet" : "ZooKeeper is down"));
      return;
    }
    Map<String, Object> next = new LinkedHashMap<>((Map<String, Object>) config.get().data());
    next.putAll(keys);
    trace("FAULT", "PATCH /config " + keys);
    zk.put(SimZooKeeper.CONFIG, Collections.unmodifiableMap(next));
  }

  /** The synchronous standbys {@code /sync} lists and the leader it names (an empty record when there is none). */
  io.vigil.dcs.SyncNode syncKey() {
    return zk.get(SimZooKeeper.SYNC).map(z -> io.vigil.dcs.SyncNode.from(z.data(), z.version()))
        .orElse(io.vigil.dcs.SyncNode.empty(0));
  }

  boolean syncKeyExists() {
    return zk.get(SimZooKeeper.SYNC).isPresent();
  }

  /** A switchover request is still waiting in {@code /failover}. */
  boolean switchoverPending() {
    return zk.view().failover().isPresent();
  }

  void zooKeeperUp(boolean up) {
    zk.setUp(up);
    refreshContacts();
  }

  void partition(SimNode n, boolean fromZooKeeper, boolean fromPeers, int delta) {
    if (fromZooKeeper) {
      network.cutZooKeeper(n.index, delta);
    }
    if (fromPeers) {
      network.cutPeers(n.index, delta);
    }
    refreshContacts();
  }

  private void refreshContacts() {
    for (SimNode n : nodes) {
      if (n.agent() != null) {
        boolean reachable = zk.up() && n.agentRunning() && network.reachesZooKeeper(n.index);
        n.agent().dcs.updateContact(reachable, !zk.up());
      }
    }
  }

  // ---- the data plane ----

  private void tick() {
    for (SimNode n : nodes) {
      replicate(n);
    }
    for (SimNode n : nodes) {
      n.pg.releaseWaiters();
    }
    clientWrites();
    checker.onTick();
    clock.after(TICK_MS, this::tick);
  }

  private void replicate(SimNode r) {
    SimPostgres pg = r.pg;
    if (pg.process() != SimPostgres.Process.RUNNING || !pg.standby() || !pg.upstream().hasUpstream()) {
      return;
    }
    SimNode u = nodeByHost(pg.upstream().host());
    if (u == null || u == r || !connect(r, u)) {
      return;
    }
    WalHistory mine = pg.wal();
    WalHistory theirs = u.pg.wal();
    u.pg.streamedTo(r.name, mine.end(), Math.min(mine.end(), mine.commonPrefix(theirs)));
    boolean newWal = theirs.end() > mine.end() || theirs.timeline() != mine.timeline();
    if (!newWal || !canStreamFrom(pg, u.pg)) {
      return;
    }
    if (mine.commonPrefix(theirs) < mine.end()) {
      checker.fail(Invariant.WAL_HISTORY_CONSISTENT, r.name + " (" + mine + ") streams from " + u.name + " (" + theirs
          + ") although their WAL differs from " + mine.commonPrefix(theirs)
          + ": PostgreSQL sees the same timeline and cannot tell");
      return;
    }
    pg.received(theirs.prefix(Math.min(theirs.end(), mine.end() + STREAM_BYTES_PER_TICK)));
  }

  /**
   * Whether {@code r}'s walreceiver streams from {@code u}'s current postmaster, connecting it when an attempt
   * is due. A connection passes PostgreSQL's timeline check once; the upstream cannot change timeline without
   * a new sender epoch (a promotion, a restart), which breaks the stream.
   */
  private boolean connect(SimNode r, SimNode u) {
    WalReceiver receiver = r.pg.receiver();
    long epoch = u.pg.senderEpoch();
    if (receiver.streamsFrom(epoch)) {
      return true;
    }
    if (receiver.streaming()) {
      receiver.failed(clock.now());
    }
    if (!receiver.due(clock.now())) {
      return false;
    }
    WalHistory mine = r.pg.wal();
    if (!canStreamFrom(r.pg, u.pg)) {
      receiver.failed(clock.now());
      return false;
    }
    if (!u.pg.wal().servesStandbyAt(mine.timeline(), mine.end())) {
      markStuck(r, "cannot stream from " + u.name + ": its history does not contain timeline " + mine.timeline()
          + " up to " + mine.end() + " (diverged; needs pg_rewind)");
      receiver.failed(clock.now());
      return false;
    }
    markStuck(r, null);
    receiver.connected(epoch);
    return true;
  }

  private void markStuck(SimNode r, String reason) {
    if (reason != null && !reason.equals(stuck[r.index])) {
      trace(r.name, "postgres: " + reason);
    }
    stuck[r.index] = reason;
  }

  /** A clean shutdown of {@code primary}: the standbys streaming from it get all of its WAL. */
  void flushToStandbys(SimPostgres primary) {
    for (SimNode r : nodes) {
      SimPostgres pg = r.pg;
      if (pg != primary && pg.process() == SimPostgres.Process.RUNNING && pg.standby()
          && primary.index == indexOfHost(pg.upstream()) && pg.receiver().streamsFrom(primary.senderEpoch())
          && network.linked(r.index, primary.index) && pg.wal().commonPrefix(primary.wal()) >= pg.wal().end()) {
        pg.received(primary.wal());
      }
    }
  }

  private int indexOfHost(RecoveryTarget target) {
    SimNode n = target.hasUpstream() ? nodeByHost(target.host()) : null;
    return n == null ? -1 : n.index;
  }

  /** {@code n} holds WAL the primary does not have: it can only stream again after pg_rewind or a new clone. */
  boolean divergedFrom(SimNode n, SimNode primary) {
    return n.pg.initialized() && n.pg.wal().commonPrefix(primary.pg.wal()) < n.pg.wal().end();
  }

  /** {@code n} runs as a standby connected to {@code primary}, on its timeline, with a consistent history. */
  boolean streamsFrom(SimNode n, SimNode primary) {
    SimPostgres pg = n.pg;
    return pg.process() == SimPostgres.Process.RUNNING && pg.standby()
        && indexOfHost(pg.upstream()) == primary.index && canStreamFrom(pg, primary.pg)
        && pg.receiver().streamsFrom(primary.pg.senderEpoch())
        && pg.wal().timeline() == primary.pg.wal().timeline()
        && pg.wal().commonPrefix(primary.pg.wal()) == pg.wal().end();
  }

  private void clientWrites() {
    SimNode routed = null;
    for (SimNode n : nodes) {
      if (answersPrimary(n)) {
        routed = n;
        break;
      }
    }
    if (routed != null && routed.pg.acceptsWrites()) {
      routed.pg.commit(1 + rng.nextInt(32_768), true);
    }
    for (SimNode n : nodes) {
      if (n != routed && n.pg.acceptsWrites()) {
        n.pg.commit(1 + rng.nextInt(8_192), false);
      }
    }
  }

  /**
   * A client's commit was acknowledged: at once on a primary without synchronous standbys, or when they flushed it
   * ({@code synchronous}). A write the router sent is held to invariant 4 now, when the client gets the answer.
   */
  void acknowledged(SimPostgres pg, SimPostgres.Commit c, boolean synchronous) {
    SimNode n = nodes.get(pg.index);
    if (c.routed()) {
      routedWrites++;
      checker.routerAck(n);
    } else if (n != newestPrimary) {
      checker.staleDirectAck();
    }
    checker.acknowledged(n, c, synchronous);
  }

  /** The primary stopped or died with {@code count} commits still waiting for their standbys: never acknowledged. */
  void unanswered(SimPostgres pg, int count) {
    trace(pg.name, "postgres: " + count + " commits waiting for synchronous standbys were never acknowledged");
    checker.unanswered(count);
  }
}
