package io.vigil.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a reload ({@code SIGHUP}, {@code POST /reload}) may change in a running agent. Patroni re-reads its
 * YAML and applies what it can; Vigil applies the PostgreSQL parameters, {@code pg_hba}, the rewind and
 * basebackup settings, {@code pg_ctl_timeout}, tags, the log level, the REST API's certificate files and
 * allowlist, and keeps the values that only take
 * effect when the agent starts (its identity, addresses, directories, credentials, ZooKeeper hosts), naming
 * each one that changed so the operator knows a restart of the agent is needed.
 *
 * @param effective the configuration to run with from now on
 * @param needsRestart dotted keys that changed but keep their running value until the agent restarts
 */
public record ConfigReload(VigilConfig effective, List<String> needsRestart) {

    public ConfigReload {
        Objects.requireNonNull(effective, "effective");
        needsRestart = List.copyOf(needsRestart);
    }

    public static ConfigReload of(VigilConfig running, VigilConfig reread) {
        List<String> kept = new ArrayList<>();
        same(kept, "scope", running.scope(), reread.scope());
        same(kept, "namespace", running.namespace(), reread.namespace());
        same(kept, "name", running.name(), reread.name());
        RestApiConfig restapi = restapi(kept, running.restapi(), reread.restapi());
        same(kept, "zookeeper", running.zookeeper(), reread.zookeeper());
        PostgresqlConfig was = running.postgresql();
        PostgresqlConfig now = reread.postgresql();
        same(kept, "postgresql.listen", was.listen(), now.listen());
        same(kept, "postgresql.connect_address", was.connectAddress(), now.connectAddress());
        same(kept, "postgresql.data_dir", was.dataDir(), now.dataDir());
        same(kept, "postgresql.config_dir", was.configDir(), now.configDir());
        same(kept, "postgresql.bin_dir", was.binDir(), now.binDir());
        same(kept, "postgresql.pgpass", was.pgpass(), now.pgpass());
        same(kept, "postgresql.database", was.database(), now.database());
        same(kept, "postgresql.authentication.superuser", was.superuser(), now.superuser());
        same(kept, "postgresql.authentication.replication", was.replication(), now.replication());
        same(kept, "postgresql.authentication.rewind", was.rewind(), now.rewind());
        same(kept, "postgresql.proxy_address", was.proxyAddress(), now.proxyAddress());
        same(kept, "postgresql.bin_name", was.binNames(), now.binNames());
        same(kept, "postgresql.custom_conf", was.customConf(), now.customConf());
        PostgresqlConfig pg = new PostgresqlConfig(was.listen(), was.connectAddress(), was.dataDir(), was.configDir(),
                was.binDir(), was.pgpass(), was.database(), was.superuser(), was.replication(), was.rewind(),
                now.parameters(), now.basebackupOptions(), now.pgHba(), now.usePgRewind(),
                now.removeDataDirectoryOnRewindFailure(), now.removeDataDirectoryOnDivergedTimelines(),
                now.pgCtlTimeout(), now.callbacks(), now.prePromote(), was.proxyAddress(), was.binNames(),
                now.pgIdent(), now.beforeStop(), was.customConf(),
                now.replicaCreation(), now.recoveryConf());
        VigilConfig effective = new VigilConfig(running.scope(), running.namespace(), running.name(), restapi,
                running.zookeeper(), reread.bootstrap(), pg, reread.watchdog(), reread.tags(), reread.raw(),
                reread.unknownKeys());
        return new ConfigReload(effective, kept);
    }

    /**
     * The REST API keeps its listener: the certificate, key and CA files and the allowlist are swapped in it,
     * while switching between HTTP and HTTPS, the client-certificate mode or the ciphers means a new listener.
     */
    private static RestApiConfig restapi(List<String> kept, RestApiConfig was, RestApiConfig now) {
        same(kept, "restapi.listen", was.listen(), now.listen());
        same(kept, "restapi.connect_address", was.connectAddress(), now.connectAddress());
        same(kept, "restapi.authentication", was.authentication(), now.authentication());
        same(kept, "restapi.certfile", was.tls().isPresent(), now.tls().isPresent());
        Optional<RestApiTls> tls = was.tls();
        if (was.tls().isPresent() && now.tls().isPresent()) {
            same(kept, "restapi.verify_client", was.tls().get().verifyClient(), now.tls().get().verifyClient());
            same(kept, "restapi.ciphers", was.tls().get().ciphers(), now.tls().get().ciphers());
            tls = Optional.of(was.tls().get().withFilesOf(now.tls().get()));
        }
        same(kept, "restapi.http_extra_headers", was.extraHeaders(), now.extraHeaders());
        same(kept, "restapi.request_queue_size", was.requestQueueSize(), now.requestQueueSize());
        return new RestApiConfig(was.listen(), was.connectAddress(), was.authentication(), tls, now.allowlist(),
                now.allowlistIncludeMembers(), was.extraHeaders(), was.requestQueueSize());
    }

    private static void same(List<String> kept, String key, Object running, Object reread) {
        if (!Objects.equals(running, reread)) {
            kept.add(key);
        }
    }
}
