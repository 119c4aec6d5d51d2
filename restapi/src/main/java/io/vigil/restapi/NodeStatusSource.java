package io.vigil.restapi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent publishes; the REST server never queries PostgreSQL or ZooKeeper itself.
 *
 * <p>Every method is called on a Jetty request thread, so implementations must return quickly: health
 * checks from HAProxy arrive every second or so and must never wait for SQL or a DCS round trip.
 * Returned values must not be mutated afterwards; the server serialises them as they are.
 */
public interface NodeStatusSource {

    /** Cheap: returns the latest published snapshot. */
    NodeStatus status();

    /** Body of {@code GET /cluster}, already shaped by the agent (spec 5.3). */
    Map<String, Object> clusterDocument();

    /** Body of {@code GET /history}: the history lines, {@code []} when there are none. */
    List<Object> historyDocument();

    /** Body of {@code GET /config}; empty when the DCS holds no configuration, which Patroni answers with 502. */
    Optional<Map<String, Object>> configDocument();

    /**
     * Body of {@code GET /failsafe}: member name to {@code /patroni} URL. Empty while failsafe mode is off,
     * which Patroni answers with 502. Defaulted so that sources without failsafe support need not care.
     */
    default Optional<Map<String, Object>> failsafeDocument() {
        return Optional.empty();
    }
}
