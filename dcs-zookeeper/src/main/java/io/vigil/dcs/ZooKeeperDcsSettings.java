package io.vigil.dcs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.zookeeper.data.ACL;

/**
 * How {@link ZooKeeperDcs} connects, and the Patroni timing keys that drive its client settings.
 *
 * @param connectString       ZooKeeper hosts, {@code host:port[,host:port...]}
 * @param basePath            normalised cluster path, e.g. {@code /service/demo}
 * @param memberName          this member's name, used for its member znode and the leader lock value
 * @param ttlSeconds          {@code ttl}: requested ZooKeeper session timeout
 * @param loopWaitSeconds     {@code loop_wait}: drives the connect timeout and dead-connection detection
 * @param retryTimeoutSeconds {@code retry_timeout}: deadline for one retried operation
 * @param tls                 {@code use_ssl} and its files; empty for a plain connection
 * @param acls                {@code set_acls}: the ACL of every znode this client creates; empty for ZooKeeper's
 *                            default (open to all)
 */
public record ZooKeeperDcsSettings(String connectString, String basePath, String memberName,
                                   int ttlSeconds, int loopWaitSeconds, int retryTimeoutSeconds,
                                   Optional<ZooKeeperTls> tls, List<ACL> acls) {

    /** A plain connection creating open znodes. */
    public ZooKeeperDcsSettings(String connectString, String basePath, String memberName,
                                int ttlSeconds, int loopWaitSeconds, int retryTimeoutSeconds) {
        this(connectString, basePath, memberName, ttlSeconds, loopWaitSeconds, retryTimeoutSeconds,
                Optional.empty(), List.of());
    }

    /** These settings with TLS and ACLs. */
    public ZooKeeperDcsSettings secured(Optional<ZooKeeperTls> tls, List<ACL> acls) {
        return new ZooKeeperDcsSettings(connectString, basePath, memberName, ttlSeconds, loopWaitSeconds,
                retryTimeoutSeconds, tls, acls);
    }

    public ZooKeeperDcsSettings {
        Objects.requireNonNull(tls, "tls");
        acls = Collections.unmodifiableList(new ArrayList<>(acls)); // ZooKeeper calls contains(null) on it
        Objects.requireNonNull(connectString, "connectString");
        Objects.requireNonNull(basePath, "basePath");
        Objects.requireNonNull(memberName, "memberName");
        if (connectString.isBlank()) {
            throw new IllegalArgumentException("connectString must not be blank");
        }
        if (!basePath.startsWith("/") || basePath.endsWith("/") || basePath.contains("//")) {
            throw new IllegalArgumentException("basePath must be a normalised absolute path like /service/demo: " + basePath);
        }
        if (memberName.isEmpty() || memberName.contains("/")) {
            throw new IllegalArgumentException("memberName must be non-empty and contain no '/': " + memberName);
        }
        if (ttlSeconds <= 0 || loopWaitSeconds <= 0 || retryTimeoutSeconds <= 0) {
            throw new IllegalArgumentException("ttl, loop_wait and retry_timeout must be positive");
        }
    }

    /** Requested session timeout = ttl, as Patroni does. */
    int sessionTimeoutMs() {
        return ttlSeconds * 1000;
    }

    /** Per-attempt connect timeout: max(1, loop_wait / 2) seconds, as Patroni gives kazoo. */
    int connectionTimeoutMs() {
        return Math.max(1000, loopWaitSeconds * 500);
    }

    /**
     * How long a request may go unanswered before the connection is declared dead: Patroni's
     * max(loop_wait - 2, 2) seconds, instead of the stock client's 2/3 of the session timeout.
     */
    int livenessTimeoutMs() {
        return Math.max(loopWaitSeconds - 2, 2) * 1000;
    }

    /**
     * Probe often enough that a silent server is noticed within 1.25 liveness timeouts after it went quiet
     * (a probe starts at most a quarter of the timeout later): 2 s for loop_wait 10, 0.5 s for loop_wait 2. Not
     * more often: each probe wakes the agent and its ZooKeeper server, all the time, on every node.
     */
    long livenessProbeIntervalMs() {
        return livenessTimeoutMs() / 4;
    }

    long retryTimeoutMs() {
        return retryTimeoutSeconds * 1000L;
    }
}
