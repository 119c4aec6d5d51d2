package io.vigil.restapi;

/**
 * What this node's last promotion cost, for {@code /metrics} (Vigil's own metrics; Patroni has none).
 *
 * @param timeline          the timeline the promotion opened
 * @param secondsToWritable from the leader lock gone to PostgreSQL writable here; negative when unknown
 * @param bytesAtRisk       acknowledged bytes the promotion may have lost: 0 for a synchronous standby, else the old
 *                          leader's last published position minus this node's
 */
public record FailoverCost(int timeline, double secondsToWritable, long bytesAtRisk) {}
