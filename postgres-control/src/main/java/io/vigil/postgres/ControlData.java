package io.vigil.postgres;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The output of {@code pg_controldata}: what pg_control says about a data directory whether or not
 * PostgreSQL runs. Keys are pg_controldata's labels with a leading {@code "Current "} removed (older
 * versions print {@code "Current wal_level setting"}), as Patroni keys them.
 */
public record ControlData(Map<String, String> raw) {

  public static final String SYSTEM_IDENTIFIER = "Database system identifier";
  public static final String CLUSTER_STATE = "Database cluster state";
  public static final String LATEST_CHECKPOINT_LOCATION = "Latest checkpoint location";
  public static final String LATEST_CHECKPOINT_TIMELINE = "Latest checkpoint's TimeLineID";
  public static final String MIN_RECOVERY_END_LOCATION = "Minimum recovery ending location";
  public static final String MIN_RECOVERY_END_TIMELINE = "Min recovery ending loc's timeline";

  /** Cluster states ({@code Database cluster state}) of a primary: clean shutdown, running or crashed. */
  public static final String STATE_SHUT_DOWN = "shut down";
  public static final String STATE_IN_PRODUCTION = "in production";
  public static final String STATE_IN_CRASH_RECOVERY = "in crash recovery";
  public static final String STATE_SHUTTING_DOWN = "shutting down";
  /** Cluster states of a standby: clean shutdown, running or crashed. */
  public static final String STATE_SHUT_DOWN_IN_RECOVERY = "shut down in recovery";
  public static final String STATE_IN_ARCHIVE_RECOVERY = "in archive recovery";

  private static final Set<String> PRIMARY_STATES =
      Set.of(STATE_SHUT_DOWN, STATE_IN_PRODUCTION, STATE_IN_CRASH_RECOVERY, STATE_SHUTTING_DOWN);
  private static final Set<String> STANDBY_STATES = Set.of(STATE_SHUT_DOWN_IN_RECOVERY, STATE_IN_ARCHIVE_RECOVERY);
  /** What a primary leaves behind when it did not shut down cleanly (spec §3.6 step 3). */
  private static final Set<String> UNCLEAN_PRIMARY_STATES =
      Set.of(STATE_IN_PRODUCTION, STATE_IN_CRASH_RECOVERY, STATE_SHUTTING_DOWN);

  public ControlData {
    raw = Map.copyOf(raw);
  }

  /** Parses {@code key: value} lines; the value may itself contain colons. */
  public static ControlData parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : text.split("\\R")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      if (key.startsWith("Current ")) {
        key = key.substring("Current ".length());
      }
      values.put(key, line.substring(colon + 1).trim());
    }
    return new ControlData(values);
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(raw.get(key));
  }

  public String systemIdentifier() {
    return required(SYSTEM_IDENTIFIER);
  }

  /** E.g. {@code in production}, {@code shut down}, {@code shut down in recovery}, {@code in archive recovery}. */
  public String clusterState() {
    return required(CLUSTER_STATE);
  }

  public long latestCheckpointLsn() {
    return Lsn.parse(required(LATEST_CHECKPOINT_LOCATION)).value();
  }

  public int latestCheckpointTimeline() {
    return Integer.parseInt(required(LATEST_CHECKPOINT_TIMELINE));
  }

  /** Where a replica must replay to before it is consistent; {@code 0} on a primary. */
  public long minRecoveryEndingLsn() {
    return Lsn.parse(required(MIN_RECOVERY_END_LOCATION)).value();
  }

  public int minRecoveryEndingTimeline() {
    return Integer.parseInt(required(MIN_RECOVERY_END_TIMELINE));
  }

  /**
   * The cluster was last a primary: state {@code shut down}, {@code in production},
   * {@code in crash recovery} or {@code shutting down}. A standby state ({@code shut down in recovery},
   * {@code in archive recovery}) whose minimum recovery ending location is {@code 0/0} or whose
   * timeline is 0 also counts as a primary, as Patroni decides (rewind.py): a crashed primary
   * started in standby mode that stopped before it set a recovery point.
   *
   * @throws IllegalStateException for any other state (e.g. {@code starting up}, {@code unrecognized status code})
   */
  public boolean wasPrimary() {
    String state = clusterState();
    if (PRIMARY_STATES.contains(state)) {
      return true;
    }
    if (STANDBY_STATES.contains(state)) {
      String lsn = raw.getOrDefault(MIN_RECOVERY_END_LOCATION, "");
      String timeline = raw.getOrDefault(MIN_RECOVERY_END_TIMELINE, "");
      return lsn.equals("0/0") || timeline.equals("0");
    }
    throw new IllegalStateException("pg_control has an unexpected cluster state '" + state + "'");
  }

  /** A primary that did not shut down cleanly: {@code in production}, {@code in crash recovery} or {@code shutting down}. */
  public boolean uncleanPrimaryShutdown() {
    return UNCLEAN_PRIMARY_STATES.contains(clusterState());
  }

  /** Whether pg_rewind could work: it needs wal_log_hints or data checksums. */
  public boolean walLogHints() {
    return "on".equals(raw.get("wal_log_hints setting"));
  }

  public boolean dataChecksums() {
    String version = raw.get("Data page checksum version");
    return version != null && !version.equals("0");
  }

  /**
   * An integer setting recorded at the last checkpoint, e.g. {@code "max_connections setting"};
   * a replica cannot start with values lower than the primary's.
   */
  public OptionalInt intSetting(String key) {
    String value = raw.get(key);
    if (value == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  private String required(String key) {
    String value = raw.get(key);
    if (value == null) {
      throw new IllegalStateException("pg_controldata output has no '" + key + "'");
    }
    return value;
  }
}
