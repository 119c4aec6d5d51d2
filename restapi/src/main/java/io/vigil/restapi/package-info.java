/**
 * Vigil's REST API: Patroni 3.0.2's paths and status codes (spec 5), served from the snapshot the agent
 * publishes.
 *
 * <ul>
 *   <li>{@link io.vigil.restapi.NodeStatusSource} / {@link io.vigil.restapi.NodeStatus}: what the agent
 *       publishes; the server never talks to PostgreSQL or ZooKeeper, so a probe never waits on them.</li>
 *   <li>{@link io.vigil.restapi.HealthCheck}: the pure health-check decision (spec 5.1), with
 *       {@link io.vigil.restapi.Lag} for {@code ?lag=}.</li>
 *   <li>{@link io.vigil.restapi.RestApiServer}: Jetty core wiring with Patroni's routing; write endpoints
 *       are plugged in as {@link io.vigil.restapi.WriteEndpoint}s and always pass the Basic-auth check
 *       first.</li>
 * </ul>
 *
 * <p>This module depends on no other Vigil module; the agent implements {@code NodeStatusSource}.
 */
package io.vigil.restapi;
