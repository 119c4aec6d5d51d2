/**
 * Loading and validating Vigil's configuration: the Patroni-compatible {@code patroni.yml} with its
 * {@code PATRONI_*} environment overrides, the dynamic configuration stored in ZooKeeper
 * ({@code /config}), and the PostgreSQL parameters that result from combining the two.
 *
 * <p>Everything here is immutable and validated when built; a bad value fails with a
 * {@link io.vigil.config.ConfigException} that names its dotted key path.
 */
package io.vigil.config;
