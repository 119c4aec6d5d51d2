package io.vigil.postgres;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

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
