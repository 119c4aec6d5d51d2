/**
 * The distributed configuration store (DCS) port of Vigil and its ZooKeeper implementation.
 *
 * <p>{@link io.vigil.dcs.Dcs} is the port the HA loop calls; {@link io.vigil.dcs.ClusterView} and the
 * other records are pure, immutable snapshots that carry no ZooKeeper types, so the HA core and a
 * simulator can use them without a server. {@link io.vigil.dcs.ZooKeeperDcs} writes the same znodes with
 * the same values as Patroni 3.x under {@code /<namespace>/<scope>/}, so both agents can share a cluster.
 */
package io.vigil.dcs;
