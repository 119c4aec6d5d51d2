package io.vigil.postgres;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replication slots a server should have (spec 3.13), as the HA core decided them.
 *
 * @param wanted       slots to create when missing; one of that name but of another type, database or plugin is
 *                     dropped and created again
 * @param ignored      {@code ignore_slots}: slots never dropped
 * @param dropUnwanted drop (inactive) slots that are neither wanted nor ignored; false while paused
 * @param advanceTo    slot name to the LSN its copy should be advanced to (replicas: the leader's {@code status.slots})
 */
public record SlotTarget(Map<String, SlotSpec> wanted, IgnoredSlots ignored, boolean dropUnwanted,
    Map<String, Long> advanceTo) {

  public SlotTarget {
    wanted = Collections.unmodifiableMap(new TreeMap<>(wanted));
    advanceTo = Collections.unmodifiableMap(new TreeMap<>(advanceTo));
  }

  /** Physical slots of these names, nothing ignored, unwanted ones dropped. */
  public static SlotTarget physical(java.util.Set<String> names) {
    Map<String, SlotSpec> wanted = new TreeMap<>();
    names.forEach(n -> wanted.put(n, SlotSpec.physical(n)));
    return new SlotTarget(wanted, new IgnoredSlots(java.util.List.of()), true, Map.of());
  }
}
