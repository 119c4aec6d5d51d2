package io.vigil.sim;

/**
 * One injected fault: when it strikes, whom, and for how long. A fault aimed at the primary hits
 * whichever node became primary last when it strikes (or its fallback node before there is one), so
 * schedules exercise failovers rather than mostly replicas. Every fault heals before the liveness phase.
 */
sealed interface Fault {

  long at();

  /** Schedules the fault and its healing on the cluster's clock. */
  void inject(SimCluster c);

  /** Which node a fault hits: the current primary, or a fixed node. */
  record Target(int node, boolean primary) {
    SimNode resolve(SimCluster c) {
      SimNode newest = c.newestPrimary();
      return primary && newest != null ? newest : c.node(node);
    }

    @Override
    public String toString() {
      return primary ? "the primary" : "node" + (node + 1);
    }
  }

  /** SIGKILL of the agent; PostgreSQL keeps running; the agent is started again after {@code downMs}. */
  record AgentKill(Target target, long at, long downMs) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> {
        SimNode n = target.resolve(c);
        if (c.kill(n)) {
          c.trace("FAULT", "kill the agent on " + n.name + " for " + Trace.seconds(downMs));
          c.clock().after(downMs, () -> c.restartAgent(n));
        }
      });
    }
  }

  /** The agent freezes (SIGSTOP, GC): no cycles, no REST answers, no ZooKeeper pings; PostgreSQL keeps running. */
  record AgentPause(Target target, long at, long durationMs) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> {
        SimNode n = target.resolve(c);
        SimAgent frozen = n.agent();
        if (c.freeze(n)) {
          c.trace("FAULT", "freeze the agent on " + n.name + " for " + Trace.seconds(durationMs));
          c.clock().after(durationMs, () -> c.thaw(n, frozen));
        }
      });
    }
  }

  /** The postmaster dies (OOM killer, segfault); the agent finds it down at its next cycle. */
  record PostmasterCrash(Target target, long at) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> {
        SimNode n = target.resolve(c);
        c.trace("FAULT", "crash the postmaster on " + n.name);
        n.pg.crash();
      });
    }
  }

  /** The whole ZooKeeper ensemble is unavailable; sessions cannot expire meanwhile. */
  record ZooKeeperOutage(long at, long durationMs) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> {
        c.trace("FAULT", "ZooKeeper down for " + Trace.seconds(durationMs));
        c.zooKeeperUp(false);
      });
      c.clock().at(at + durationMs, () -> {
        c.trace("FAULT", "ZooKeeper up");
        c.zooKeeperUp(true);
      });
    }
  }

  /** Cuts a node off from ZooKeeper, from the other nodes (REST and replication), or from both. */
  record Partition(Target target, boolean fromZooKeeper, boolean fromPeers, long at, long durationMs) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> {
        SimNode n = target.resolve(c);
        c.trace("FAULT", "partition " + n.name + " from " + scope() + " for " + Trace.seconds(durationMs));
        c.partition(n, fromZooKeeper, fromPeers, 1);
        c.clock().after(durationMs, () -> {
          c.trace("FAULT", "heal the partition of " + n.name + " from " + scope());
          c.partition(n, fromZooKeeper, fromPeers, -1);
        });
      });
    }

    private String scope() {
      return fromZooKeeper && fromPeers ? "ZooKeeper and its peers" : fromZooKeeper ? "ZooKeeper" : "its peers";
    }
  }

  /**
   * An operator asks for a switchover (the REST endpoint writes {@code /failover}): the current lock
   * holder must hand over to {@code candidate}, or to any healthy replica when there is none.
   */
  record Switchover(Target candidate, boolean anyCandidate, long at) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> c.requestSwitchover(anyCandidate ? null : candidate.resolve(c)));
    }
  }

  /**
   * Two switchovers back to back, as an operator (or automation moving the leader back to its preferred node)
   * does them: one to any healthy replica at {@code at}, and another {@code delayMs} after the promotion that
   * follows (whatever caused it), naming a replica of the new leader ({@code replica} counts the nodes after
   * it). That replica re-pointed its walreceiver when the new leader took the lock, while it was still a
   * standby, and the promotion has just cut it off: the second switchover meets a candidate that may not have
   * the new timeline yet (the manual-failover fork seen end to end).
   */
  record BackToBackSwitchover(long at, int replica, long delayMs) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> {
        c.afterNextPromotion(primary -> c.clock().after(delayMs, () -> {
          c.trace("FAULT", "second switchover, " + Trace.seconds(delayMs) + " after " + primary.name + "'s promotion");
          c.requestSwitchover(c.node((primary.index + 1 + replica) % c.nodes().size()));
        }));
        c.requestSwitchover(null);
      });
    }
  }

  /**
   * An operator schedules a restart of PostgreSQL on a node ({@code POST /restart} with a schedule); the
   * leader restarts while keeping its lock, a replica while following.
   */
  record OperatorRestart(Target target, long at, long inMs) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> {
        SimNode n = target.resolve(c);
        if (n.agent() != null) {
          c.trace("FAULT", "schedule a restart of PostgreSQL on " + n.name + " in " + Trace.seconds(inMs));
          n.agent().requestRestart(inMs);
        }
      });
    }
  }

  /** The node's {@code pre_promote} script refuses every promotion for a while. */
  record PrePromoteRefusal(Target target, long at, long durationMs) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> {
        SimNode n = target.resolve(c);
        c.trace("FAULT", "pre_promote on " + n.name + " refuses promotions for " + Trace.seconds(durationMs));
        n.refusePromotions(c.clock().now() + durationMs);
      });
    }
  }

  /**
   * An operator switches synchronous replication (PATCH {@code /config}: {@code synchronous_mode},
   * {@code synchronous_mode_strict}, and {@code synchronous_node_count} when switching it on); the agents adopt the
   * new {@code /config} at their next cycle. Lost when ZooKeeper is down (the API answers 503).
   */
  record SyncModeChange(long at, SyncSetup.Mode mode, int nodeCount) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> {
        java.util.Map<String, Object> keys = mode.keys();
        if (mode != SyncSetup.Mode.OFF) {
          keys.put("synchronous_node_count", nodeCount);
        }
        c.patchConfig(keys);
      });
    }
  }

  /**
   * The node's fence process dies (OOM killer, a careless kill) and cannot be started again for {@code downMs}
   * (fork fails); the agent restarts it with back-off, and meanwhile the node must not become the primary. A
   * primary whose fence died keeps running (the core does not demote it for that) until its fence runs again.
   */
  record FenceKill(Target target, long at, long downMs) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> {
        SimNode n = target.resolve(c);
        c.trace("FAULT", "kill the fence process on " + n.name + "; it cannot start for " + Trace.seconds(downMs));
        n.fence.kill(downMs);
      });
    }
  }

  /** The node's watchdog device goes away (or never existed: {@code at} 0). */
  record WatchdogDeviceGone(Target target, long at) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> {
        SimNode n = target.resolve(c);
        c.trace("FAULT", "no watchdog device on " + n.name);
        n.fence.removeDevice();
      });
    }
  }

  /** The node's wall clock is stepped (NTP correction, VM migration); monotonic ZooKeeper timers are not. */
  record ClockJump(Target target, long at, long deltaMs) implements Fault {
    @Override
    public void inject(SimCluster c) {
      c.clock().at(at, () -> {
        SimNode n = target.resolve(c);
        c.trace("FAULT", "step the wall clock of " + n.name + " by " + (deltaMs < 0 ? "-" : "+")
            + Trace.seconds(Math.abs(deltaMs)));
        c.stepClock(n, deltaMs);
      });
    }
  }
}
