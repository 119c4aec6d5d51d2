package io.vigil.dcs;

import java.util.Map;

/**
 * Whether, and how keenly, a member may be promoted, read from a published {@code tags} object (its member
 * znode or its {@code /patroni} document) with Patroni 3.2's rules (patroni/tags.py). One place, so that this
 * node judges itself exactly as its peers judge it from what it publishes.
 */
public final class FailoverTags {

  /** Patroni's value when the tag is absent or not an integer. */
  public static final int DEFAULT_PRIORITY = 1;

  private FailoverTags() {}

  /**
   * A {@code nofailover} tag that is present decides, even {@code false} beside a {@code failover_priority} of 0:
   * Patroni lets the explicit flag win a contradiction. Without it, a priority of 0 or less means never promote.
   */
  public static boolean nofailover(Map<?, ?> tags) {
    Object flag = tags.get("nofailover");
    if (flag != null) {
      return JsonValues.truthy(flag);
    }
    return tags.containsKey("failover_priority") && priority(tags) <= 0;
  }

  /** The tie-break weight in a leader race: 0 for a member that may not promote, otherwise the tag (default 1). */
  public static int failoverPriority(Map<?, ?> tags) {
    return JsonValues.truthy(tags.get("nofailover")) ? 0 : priority(tags);
  }

  private static int priority(Map<?, ?> tags) {
    var value = JsonValues.integer(tags.get("failover_priority"));
    if (value.isEmpty()) {
      return DEFAULT_PRIORITY;
    }
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value.getAsLong()));
  }
}
