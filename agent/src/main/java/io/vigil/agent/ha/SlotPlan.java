package io.vigil.agent.ha;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.MemberNode;
import io.vigil.postgres.IgnoredSlots;
import io.vigil.postgres.LocalPostgres;
import io.vigil.postgres.SlotInfo;
import io.vigil.postgres.SlotSpec;
import io.vigil.postgres.SlotTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which replication slots a node keeps (wire spec 3.13), as pure functions of the cluster view, the configuration and
 * the slots the node was seen to have. The leader keeps a physical slot per member streaming from it and every
 * permanent slot; a replica keeps the slots of the members cascading from it and, unless it may never be promoted,
 * copies of the permanent slots, advanced to the leader's published positions, so that they survive a failover.
 */
public final class SlotPlan {

  private SlotPlan() {}

  /** The wanted slots and the permanent entries left out. */
  record Wanted(Map<String, SlotSpec> slots, List<String> problems) {}

  /**
   * @param asLeader the node leads (or is about to): members' slots and permanent slots are created here; else it is
   *                 a replica keeping the slots of its cascade and copies of the permanent ones
   */
  static Wanted wanted(NodeSettings settings, ClusterView view, boolean asLeader) {
    String me = settings.name();
    Map<String, SlotSpec> slots = new TreeMap<>();
    for (String name : asLeader ? memberSlots(me, view) : cascadeSlots(me, view)) {
      slots.put(name, SlotSpec.physical(name));
    }
    PermanentSlots permanent = PermanentSlots.of(settings.dynamic().raw());
    List<String> problems = new ArrayList<>(permanent.problems());
    if (!settings.nofailover()) {
      String mine = LocalPostgres.slotName(me);
      // Without a stream to the primary there is no feedback to hold back what a logical copy needs (Patroni 3.3);
      // a standby cluster keeps permanent physical slots only, on every member, as Patroni's.
      boolean logical = streamsToPrimary(me, settings.tags(), view) && settings.dynamic().standbyCluster().isEmpty();
      for (SlotSpec slot : permanent.slots().values()) {
        if (slot.logical() && !logical) {
          continue;
        }
        if (!slot.logical() && slot.name().equals(mine)) {
          continue; // my own member slot: I do not stream from myself
        }
        if (slot.logical() && slots.containsKey(slot.name())) {
          problems.add("permanent logical slot '" + slot.name() + "' conflicts with the physical slot of a member");
          continue;
        }
        slots.put(slot.name(), slot);
      }
    }
    return new Wanted(slots, problems);
  }

  /** The slot action of a cycle; on a replica, copies are advanced to the leader's {@code status.slots}. */
  static Action.SyncSlots sync(Observation o, ClusterView view, boolean asLeader) {
    Wanted wanted = wanted(o.settings(), view, asLeader);
    Map<String, Long> advance = new TreeMap<>();
    if (!asLeader) {
      view.statusSlots().forEach((name, lsn) -> {
        if (wanted.slots().containsKey(name) && isPermanent(o.settings(), name)) {
          advance.put(name, lsn);
        }
      });
    }
    boolean paused = o.settings().dynamic().pause();
    return new Action.SyncSlots(new SlotTarget(wanted.slots(), IgnoredSlots.of(o.settings().dynamic().raw()), !paused,
        advance), wanted.problems());
  }

  /**
   * A replica lacking wanted logical slots copies them from the leader, once the leader publishes a position for them
   * (Patroni copies only slots with feedback in the DCS). Nothing is decided while the local slots are unknown, nor
   * while paused: a copy restarts PostgreSQL.
   */
  static Optional<Action.CopyLogicalSlots> copy(Observation o, ClusterView view) {
    if (!o.pg().isReplica() || o.pg().slots().isEmpty() || o.settings().dynamic().pause()) {
      return Optional.empty();
    }
    Set<String> local = new TreeSet<>();
    o.pg().slots().get().forEach(s -> local.add(s.name()));
    List<SlotSpec> missing = wanted(o.settings(), view, false).slots().values().stream()
        .filter(s -> s.logical() && !local.contains(s.name()) && view.statusSlots().containsKey(s.name())).toList();
    Optional<io.vigil.dcs.HostPortValue> leader = view.leaderMember().flatMap(MemberNode::pgAddress);
    if (missing.isEmpty() || leader.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Action.CopyLogicalSlots(leader.get().host(), leader.get().port(), missing));
  }

  /**
   * What the leader publishes in {@code status.slots}: each permanent slot it has, as configured, with its position
   * (logical: confirmed_flush_lsn; physical: restart_lsn, as Patroni 4 does). Empty when it has none.
   */
  static Map<String, Long> published(Observation o, ClusterView view) {
    Map<String, Long> out = new TreeMap<>();
    if (!o.settings().dynamic().useSlots()) {
      return out;
    }
    Map<String, SlotSpec> wanted = wanted(o.settings(), view, true).slots();
    for (SlotInfo slot : o.pg().slots().orElse(List.of())) {
      SlotSpec want = wanted.get(slot.name());
      if (want != null && want.sameKind(slot) && isPermanent(o.settings(), slot.name()) && slot.position() != 0) {
        out.put(slot.name(), slot.position());
      }
    }
    return out;
  }

  /**
   * Permanent logical slots on a replica need {@code hot_standby_feedback}: without it the primary may remove catalog
   * rows a copy still needs, and the copy is useless after a failover.
   */
  public static boolean needsHotStandbyFeedback(NodeSettings settings) {
    return settings.dynamic().useSlots() && !settings.nofailover() && !Upstream.nostream(settings.tags())
        && PermanentSlots.of(settings.dynamic().raw()).hasLogical();
  }

  /** Whether WAL reaches this node by streaming all the way from the primary: no {@code nostream} on the way. */
  static boolean streamsToPrimary(String me, Map<String, Object> myTags, ClusterView view) {
    Map<String, Object> tags = myTags;
    String name = me;
    for (int hops = 0; hops <= view.members().size(); hops++) {
      if (Upstream.nostream(tags)) {
        return false;
      }
      String current = name;
      Optional<MemberNode> parent = Upstream.replicatefrom(tags).filter(p -> !p.equals(current)).flatMap(view::member);
      if (parent.isEmpty()) {
        return true;
      }
      name = parent.get().name();
      tags = parent.get().tags();
    }
    return false; // a replicatefrom cycle: nobody in it streams from the primary
  }

  private static boolean isPermanent(NodeSettings settings, String name) {
    return PermanentSlots.of(settings.dynamic().raw()).slots().containsKey(name);
  }

  /**
   * One physical slot per other member, except those that replicate from another member (3.13) and those tagged
   * {@code nostream}, which do not stream at all.
   */
  static Set<String> memberSlots(String me, ClusterView view) {
    Set<String> names = new TreeSet<>();
    for (MemberNode m : view.members()) {
      if (m.name().equals(me) || m.tagTrue("nostream")) {
        continue;
      }
      Object from = m.tags().get("replicatefrom");
      boolean cascades = from instanceof String s && !s.equals(me) && view.member(s).isPresent();
      if (!cascades) {
        names.add(LocalPostgres.slotName(m.name()));
      }
    }
    return names;
  }

  /**
   * The slots a replica keeps: one per member that replicates from it ({@code replicatefrom}), except the leader and
   * members tagged {@code nostream}.
   */
  static Set<String> cascadeSlots(String me, ClusterView view) {
    Set<String> names = new TreeSet<>();
    Optional<String> leader = view.leader().map(l -> l.name());
    for (MemberNode m : view.members()) {
      if (!m.name().equals(me) && me.equals(m.tags().get("replicatefrom")) && !leader.equals(Optional.of(m.name()))
          && !m.tagTrue("nostream")) {
        names.add(LocalPostgres.slotName(m.name()));
      }
    }
    return names;
  }
}
