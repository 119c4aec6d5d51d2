package io.vigil.agent.ha;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.JsonValues;
import io.vigil.dcs.MemberNode;
import io.vigil.postgres.LocalPostgres;
import io.vigil.postgres.RecoveryTarget;
import java.util.Map;
import java.util.Optional;

/**
 * Whom a replica streams from (wire spec 3.7.3): nobody when tagged {@code nostream} (Patroni 3.3: it replays WAL
 * from the archive with {@code restore_command} only), the member its {@code replicatefrom} tag names while that
 * member exists, else the leader.
 */
final class Upstream {

  private Upstream() {}

  /** Empty while there is no leader (with an address) to follow. */
  static Optional<RecoveryTarget> of(Observation o, ClusterView view) {
    String me = o.settings().name();
    Optional<MemberNode> leader = view.leaderMember().filter(l -> !l.name().equals(me));
    if (leader.flatMap(MemberNode::pgAddress).isEmpty()) {
      return Optional.empty();
    }
    if (nostream(o.settings().tags())) {
      return Optional.of(RecoveryTarget.none());
    }
    Optional<MemberNode> source = replicatefrom(o.settings().tags())
        .filter(name -> !name.equals(me)).flatMap(view::member).filter(m -> m.pgAddress().isPresent());
    return source.or(() -> leader).flatMap(MemberNode::pgAddress).map(a -> target(o, a.host(), a.port()));
  }

  /** The leader as the source of pg_rewind, whatever this node streams from. */
  static Optional<RecoveryTarget> leader(Observation o, ClusterView view) {
    return view.leaderMember().filter(l -> !l.name().equals(o.settings().name())).flatMap(MemberNode::pgAddress)
        .map(a -> target(o, a.host(), a.port()));
  }

  static RecoveryTarget target(Observation o, String host, int port) {
    Optional<String> slot = o.settings().dynamic().useSlots()
        ? Optional.of(LocalPostgres.slotName(o.settings().name())) : Optional.empty();
    return new RecoveryTarget(host, port, slot);
  }

  static boolean nostream(Map<String, Object> tags) {
    return JsonValues.truthy(tags.get("nostream"));
  }

  static Optional<String> replicatefrom(Map<String, Object> tags) {
    return tags.get("replicatefrom") instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
  }
}
