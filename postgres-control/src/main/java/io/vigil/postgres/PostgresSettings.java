package io.vigil.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the module needs to know about the local PostgreSQL, as plain values.
 *
 * @param dataDir      the data directory (made absolute); postgresql.conf and pg_hba.conf live here
 * @param binDir       directory of the PostgreSQL binaries; empty to look them up on {@code PATH}
 * @param listenHost   {@code listen_addresses}; also decides the host of local connections
 * @param port         {@code port}
 * @param connectHost  host other members use to reach this one (not used for local connections)
 * @param connectPort  port other members use to reach this one
 * @param pgpass       the password file written for pg_basebackup and {@code primary_conninfo}
 *                     (made absolute); must be readable by {@code runAsUser} when that is set
 * @param database     database for local connections and pg_basebackup's dsn, normally {@code postgres}
 * @param superuser    superuser used for local connections, initdb and role setup
 * @param replication  role used by replicas and pg_basebackup
 * @param scope        cluster name ({@code cluster_name} on the command line)
 * @param memberName   this member's name ({@code application_name} of its walreceiver)
 * @param runAsUser    OS user that runs every PostgreSQL binary (via {@code runuser -u}) when the
 *                     agent runs as root; empty to run the binaries directly as the agent's user
 * @param startTimeout how long {@link LocalPostgres#start()} and {@link LocalPostgres#promote()}
 *                     wait ({@code pg_ctl_timeout}, default 60 s)
 * @param binNames     {@code postgresql.bin_name}: the file name of a tool ({@code pg_ctl}, {@code postgres}, …)
 *                     when a distribution renamed it; tools not listed keep their own name
 * @param customConf   {@code custom_conf}: the file postgresql.conf includes instead of postgresql.base.conf;
 *                     a relative path is relative to the data directory, as PostgreSQL reads an include
 */
public record PostgresSettings(
    Path dataDir, Optional<Path> binDir, String listenHost, int port,
    String connectHost, int connectPort, Path pgpass, String database,
    Credentials superuser, Credentials replication, String scope, String memberName,
    Optional<String> runAsUser, Duration startTimeout, Map<String, String> binNames,
    Optional<Path> customConf) {

  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  public PostgresSettings {
    dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
    binDir = Objects.requireNonNull(binDir, "binDir").map(p -> p.toAbsolutePath().normalize());
    Objects.requireNonNull(listenHost, "listenHost");
    Objects.requireNonNull(connectHost, "connectHost");
    pgpass = Objects.requireNonNull(pgpass, "pgpass").toAbsolutePath().normalize();
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(superuser, "superuser");
    Objects.requireNonNull(replication, "replication");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(memberName, "memberName");
    Objects.requireNonNull(runAsUser, "runAsUser");
    Objects.requireNonNull(startTimeout, "startTimeout");
    binNames = Map.copyOf(binNames);
    Objects.requireNonNull(customConf, "customConf");
    checkPort("port", port);
    checkPort("connectPort", connectPort);
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive: " + startTimeout);
    }
    if (memberName.isEmpty()) {
      throw new IllegalArgumentException("memberName must not be empty");
    }
  }

  public PostgresSettings(Path dataDir, Optional<Path> binDir, String listenHost, int port, String connectHost,
      int connectPort, Path pgpass, String database, Credentials superuser, Credentials replication, String scope,
      String memberName, Optional<String> runAsUser, Duration startTimeout) {
    this(dataDir, binDir, listenHost, port, connectHost, connectPort, pgpass, database, superuser, replication, scope,
        memberName, runAsUser, startTimeout, Map.of(), Optional.empty());
  }

  private static void checkPort(String name, int value) {
    if (value < 1 || value > 65535) {
      throw new IllegalArgumentException(name + " out of range: " + value);
    }
  }

  /**
   * Host for connections from this agent to its own PostgreSQL. Wildcard listen addresses are
   * reached over the loopback interface; {@code 0.0.0.0} maps to {@code 127.0.0.1} rather than
   * {@code localhost} because {@code localhost} may resolve to {@code ::1}, where an IPv4-only
   * server is not listening.
   */
  public String localHost() {
    String first = null;
    for (String raw : listenHost.split(",")) {
      String a = raw.trim();
      if (a.isEmpty()) {
        continue;
      }
      switch (a) {
        case "*", "localhost", "::":
          return "localhost";
        case "0.0.0.0", "127.0.0.1":
          return "127.0.0.1";
        default:
          if (first == null) {
            first = a;
          }
      }
    }
    return first == null ? "localhost" : first;
  }
}
