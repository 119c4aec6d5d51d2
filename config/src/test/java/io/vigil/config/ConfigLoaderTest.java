package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final Map<String, String> NO_ENV = Map.of("HOME", "/home/vigil");

    @TempDir
    Path dir;

    @Test
    void loadsTheHarnessConfigurationUnchanged() throws URISyntaxException {
        Path harness = Path.of(getClass().getResource("/harness-n1.yml").toURI());

        VigilConfig config = ConfigLoader.load(harness, NO_ENV);

        assertThat(config.scope()).isEqualTo("demo");
        assertThat(config.namespace()).isEqualTo("/service/");
        assertThat(config.name()).isEqualTo("n1");
        assertThat(config.basePath()).isEqualTo("/service/demo");
        assertThat(config.restapi().listen()).isEqualTo(new HostPort("127.0.0.1", 18008));
        assertThat(config.restapi().connectAddress()).isEqualTo(new HostPort("127.0.0.1", 18008));
        assertThat(config.restapi().authentication()).isEmpty();
        assertThat(config.zookeeper().hosts()).containsExactly("127.0.0.1:12181");
        assertThat(config.zookeeper().connectString()).isEqualTo("127.0.0.1:12181");

        BootstrapConfig bootstrap = config.bootstrap();
        assertThat(bootstrap.initdbOptions()).containsExactly("--encoding=UTF8", "--locale=C.UTF-8", "--data-checksums");
        assertThat(bootstrap.pgHba()).containsExactly("local all all trust",
                "host replication replicator 127.0.0.1/32 md5", "host all all 127.0.0.1/32 md5");
        assertThat(bootstrap.dcs()).containsEntry("ttl", 30).containsEntry("maximum_lag_on_failover", 1048576);
        DynamicConfig dcs = DynamicConfig.fromMap(bootstrap.dcs());
        assertThat(dcs.ttl()).isEqualTo(30);
        assertThat(dcs.usePgRewind()).isTrue();
        assertThat(dcs.parameters()).containsEntry("hot_standby", "on").containsEntry("wal_keep_size", "128MB");

        PostgresqlConfig pg = config.postgresql();
        assertThat(pg.listen()).isEqualTo(new HostPort("127.0.0.1", 15432));
        assertThat(pg.connectAddress()).isEqualTo(new HostPort("127.0.0.1", 15432));
        assertThat(pg.dataDir()).isEqualTo(Path.of("/tmp/pgha/n1/data"));
        assertThat(pg.configDir()).isEmpty();
        assertThat(pg.binDir()).contains(Path.of("/usr/lib/postgresql/15/bin"));
        assertThat(pg.pgpass()).isEqualTo(Path.of("/tmp/pgha/n1/pgpass"));
        assertThat(pg.database()).isEqualTo("postgres");
        assertThat(pg.superuser()).isEqualTo(new Credentials("postgres", "harness-su"));
        assertThat(pg.replication()).isEqualTo(new Credentials("replicator", "harness-repl"));
        assertThat(pg.rewind()).isEmpty();
        assertThat(pg.basebackupOptions()).containsExactly("--checkpoint=fast");
        assertThat(pg.pgHba()).isEmpty();
        assertThat(pg.parameters()).containsExactly(
                Map.entry("unix_socket_directories", "/tmp/pgha/n1"),
                Map.entry("shared_buffers", "32MB"),
                Map.entry("log_min_messages", "log"),
                Map.entry("log_line_prefix", "%m [%p] n1 "));
        assertThat(pg.usePgRewind()).isFalse();
        assertThat(pg.pgCtlTimeout()).isEqualTo(60);

        assertThat(config.watchdog().mode()).isEqualTo(WatchdogConfig.OFF);
        assertThat(config.tags()).as("nofailover: false is kept as configured").isEqualTo(new Tags(Optional.of(false),
                false, false, false, false, Optional.empty(), OptionalInt.empty(), Map.of()));
        assertThat(config.tags().asMemberTags()).isEmpty();
        assertThat(config.unknownKeys()).isEmpty();
        assertThat(config.logLevel()).isEqualTo("INFO");
    }

    @Test
    void connectAddressesDefaultToListenAndOptionalSectionsToPatroniDefaults() throws IOException {
        VigilConfig config = load(minimal());

        assertThat(config.restapi().connectAddress()).isEqualTo(config.restapi().listen());
        assertThat(config.postgresql().connectAddress()).isEqualTo(new HostPort("127.0.0.1", 5432));
        assertThat(config.namespace()).isEqualTo("/service");
        assertThat(config.basePath()).isEqualTo("/service/demo");
        assertThat(config.postgresql().pgpass()).isEqualTo(Path.of("/home/vigil/pgpass"));
        assertThat(config.postgresql().superuser()).isEqualTo(new Credentials("postgres", ""));
        assertThat(config.zookeeper().hosts()).containsExactly("zk1:2181", "zk2:2181");
        assertThat(config.watchdog().mode()).isEqualTo(WatchdogConfig.AUTOMATIC);
        assertThat(config.bootstrap().dcs()).isEmpty();
        assertThat(config.bootstrap().initdbOptions()).isEmpty();
    }

    @Test
    void environmentOverridesWinOverTheFile() throws IOException {
        Map<String, String> env = Map.ofEntries(
                Map.entry("HOME", "/home/vigil"),
                Map.entry("PATRONI_NAME", "n9"),
                Map.entry("PATRONI_SCOPE", "other"),
                Map.entry("PATRONI_NAMESPACE", "vigil"),
                Map.entry("PATRONI_RESTAPI_LISTEN", "0.0.0.0:9008"),
                Map.entry("PATRONI_RESTAPI_CONNECT_ADDRESS", "10.0.0.9:9008"),
                Map.entry("PATRONI_RESTAPI_USERNAME", "admin"),
                Map.entry("PATRONI_RESTAPI_PASSWORD", "secret"),
                Map.entry("PATRONI_POSTGRESQL_LISTEN", "*:6432"),
                Map.entry("PATRONI_POSTGRESQL_CONNECT_ADDRESS", "10.0.0.9:6432"),
                Map.entry("PATRONI_POSTGRESQL_DATA_DIR", "/srv/pg"),
                Map.entry("PATRONI_POSTGRESQL_BIN_DIR", "/opt/pg/bin"),
                Map.entry("PATRONI_POSTGRESQL_CONFIG_DIR", "/etc/pg"),
                Map.entry("PATRONI_POSTGRESQL_PGPASS", "/run/pgpass"),
                Map.entry("PATRONI_SUPERUSER_USERNAME", "su"),
                Map.entry("PATRONI_SUPERUSER_PASSWORD", "su-pass"),
                Map.entry("PATRONI_REPLICATION_PASSWORD", "repl-pass"),
                Map.entry("PATRONI_REWIND_USERNAME", "rewinder"),
                Map.entry("PATRONI_REWIND_PASSWORD", "rw-pass"),
                Map.entry("PATRONI_ZOOKEEPER_HOSTS", "'zk7:2181','zk8:2181'"),
                Map.entry("PATRONI_LOG_LEVEL", "DEBUG"));

        VigilConfig config = ConfigLoader.load(write("patroni.yml", minimal()), env);

        assertThat(config.name()).isEqualTo("n9");
        assertThat(config.scope()).isEqualTo("other");
        assertThat(config.basePath()).isEqualTo("/vigil/other");
        assertThat(config.restapi().listen()).isEqualTo(new HostPort("0.0.0.0", 9008));
        assertThat(config.restapi().connectAddress()).isEqualTo(new HostPort("10.0.0.9", 9008));
        assertThat(config.restapi().authentication()).contains(new Credentials("admin", "secret"));
        PostgresqlConfig pg = config.postgresql();
        assertThat(pg.listen()).isEqualTo(new HostPort("*", 6432));
        assertThat(pg.connectAddress()).isEqualTo(new HostPort("10.0.0.9", 6432));
        assertThat(pg.dataDir()).isEqualTo(Path.of("/srv/pg"));
        assertThat(pg.binDir()).contains(Path.of("/opt/pg/bin"));
        assertThat(pg.configDir()).contains(Path.of("/etc/pg"));
        assertThat(pg.pgpass()).isEqualTo(Path.of("/run/pgpass"));
        assertThat(pg.superuser()).isEqualTo(new Credentials("su", "su-pass"));
        // the username still comes from the file: overrides merge key by key
        assertThat(pg.replication()).isEqualTo(new Credentials("replicator", "repl-pass"));
        assertThat(pg.rewind()).contains(new Credentials("rewinder", "rw-pass"));
        assertThat(config.zookeeper().hosts()).containsExactly("zk7:2181", "zk8:2181");
        assertThat(config.logLevel()).isEqualTo("DEBUG");
        assertThat(config.unknownKeys()).isEmpty();
    }

    @Test
    void zookeeperHostsFromTheEnvironmentAcceptEveryPatroniListForm() throws IOException {
        Path file = write("patroni.yml", minimal());
        for (String form : List.of("zk1:2181,zk2:2181", "[zk1:2181, zk2:2181]", "- zk1:2181\n- zk2:2181",
                "'zk1:2181', 'zk2:2181'")) {
            VigilConfig config = ConfigLoader.load(file, Map.of("PATRONI_ZOOKEEPER_HOSTS", form));
            assertThat(config.zookeeper().connectString()).as(form).isEqualTo("zk1:2181,zk2:2181");
        }
    }

    @Test
    void patroniConfigurationVariableIsUsedWhenNoPathIsGiven() throws IOException {
        VigilConfig config = ConfigLoader.load(null, Map.of("PATRONI_CONFIGURATION", minimal(), "PATRONI_NAME", "n2"));

        assertThat(config.scope()).isEqualTo("demo");
        assertThat(config.name()).isEqualTo("n2");
        assertThat(config.postgresql().dataDir()).isEqualTo(Path.of("/data/pg"));
    }

    @Test
    void environmentAloneIsAConfiguration() {
        Map<String, String> env = Map.of(
                "PATRONI_SCOPE", "demo", "PATRONI_NAME", "n1",
                "PATRONI_RESTAPI_LISTEN", "127.0.0.1:8008",
                "PATRONI_ZOOKEEPER_HOSTS", "zk1:2181",
                "PATRONI_POSTGRESQL_LISTEN", "127.0.0.1:5432",
                "PATRONI_POSTGRESQL_DATA_DIR", "/data/pg",
                "PATRONI_REPLICATION_USERNAME", "replicator");

        VigilConfig config = ConfigLoader.load(null, env);

        assertThat(config.basePath()).isEqualTo("/service/demo");
        assertThat(config.postgresql().replication().username()).isEqualTo("replicator");
    }

    @Test
    void unknownKeysAreReportedOnceAndKeptInRaw() throws IOException {
        String yaml = minimal() + """
                tags:
                  rack: r1
                  anything_goes: true
                log:
                  level: WARNING
                  loggers:
                    kazoo: ERROR
                typo_section:
                  a: 1
                  b: 2
                """;
        yaml = yaml.replace("  data_dir: /data/pg\n", "  data_dir: /data/pg\n  listen_adress: x\n"
                + "  callbacks:\n    on_start: /bin/true\n  parameters:\n    my.custom: 1\n");

        VigilConfig config = load(yaml);

        assertThat(config.unknownKeys()).containsExactly("postgresql.listen_adress", "typo_section");
        assertThat(config.raw()).containsKey("typo_section");
        assertThat(config.raw().get("typo_section")).isEqualTo(Map.of("a", 1, "b", 2));
        assertThat(config.tags().custom()).containsEntry("rack", "r1").containsEntry("anything_goes", true);
        assertThat(config.logLevel()).isEqualTo("WARNING");
    }

    @Test
    void aStandbyClustersReplicaMethodsComeFromThePostgresqlSections() throws IOException {
        String yaml = minimal().replace("  data_dir: /data/pg\n", """
                  data_dir: /data/pg
                  create_replica_methods: [basebackup]
                  pgbackrest:
                    command: /usr/bin/pgbackrest --stanza=main restore
                    delta: true
                """);
        VigilConfig config = load(yaml);
        ReplicaCreation own = config.postgresql().replicaCreation();

        ReplicaCreation standby = own.named(List.of("pgbackrest", "wal_g", "basebackup"), config.raw());

        assertThat(own.named(List.of(), config.raw())).isSameAs(own);
        assertThat(standby.methods()).extracting(ReplicaMethod::name).containsExactly("pgbackrest", "basebackup");
        assertThat(standby.methods().get(0).command()).contains("/usr/bin/pgbackrest --stanza=main restore");
        // True as Python's str(True): Patroni passes the value that way
        assertThat(standby.methods().get(0).arguments()).containsEntry("delta", "True");
        assertThat(standby.problems()).singleElement().asString().contains("wal_g");
        assertThat(standby.methodTimeout()).isEqualTo(own.methodTimeout());
    }

    @Test
    void bootstrapUsers() throws IOException {
        String yaml = minimal() + """
                bootstrap:
                  users:
                    admin:
                      password: adm'in
                      options:
                        - createrole
                        - Connection  Limit 5
                    reporting: {}
                """;

        BootstrapConfig bootstrap = load(yaml).bootstrap();

        assertThat(bootstrap.users()).containsExactly(
                new BootstrapUser("admin", "adm'in", List.of("CREATEROLE", "CONNECTION LIMIT 5")),
                new BootstrapUser("reporting", "", List.of()));
        assertThat(bootstrap.toString()).doesNotContain("adm'in");
        assertError(yaml.replace("- createrole", "- createrole; DROP TABLE x"), "bootstrap.users.admin.options",
                "bootstrap.users.admin.options: expected role options such as createdb or createrole, got"
                        + " \"createrole; DROP TABLE x\"");
    }

    @Test
    void binNamesAndProxyAddress() throws IOException {
        String yaml = minimal().replace("  data_dir: /data/pg\n", """
                  data_dir: /data/pg
                  proxy_address: 10.0.0.5:6432
                  bin_name:
                    pg_ctl: pg_ctl15
                    postgres: postgres15
                """);

        PostgresqlConfig pg = load(yaml).postgresql();

        assertThat(pg.binNames()).containsOnly(Map.entry("pg_ctl", "pg_ctl15"), Map.entry("postgres", "postgres15"));
        assertThat(pg.proxyAddress()).contains(new HostPort("10.0.0.5", 6432));
        assertError(yaml.replace("pg_ctl: pg_ctl15", "pgctl: pg_ctl15"), "postgresql.bin_name.pgctl",
                "postgresql.bin_name.pgctl: expected one of pg_ctl, initdb, pg_controldata, pg_basebackup, postgres,"
                        + " pg_isready, pg_rewind");
        assertError(yaml.replace("pg_ctl: pg_ctl15", "pg_ctl: /usr/bin/pg_ctl"), "postgresql.bin_name.pg_ctl",
                "postgresql.bin_name.pg_ctl: expected a file name in bin_dir (or on PATH), got \"/usr/bin/pg_ctl\"");
    }

    @Test
    void extraHeadersAndRequestQueueSize() throws IOException {
        String yaml = minimal().replace("  listen: 127.0.0.1:8008\n", """
                  listen: 127.0.0.1:8008
                  http_extra_headers:
                    X-Frame-Options: SAMEORIGIN
                  https_extra_headers:
                    Strict-Transport-Security: max-age=31536000
                  request_queue_size: 64
                """);

        RestApiConfig restapi = load(yaml).restapi();

        // https_extra_headers only apply with TLS, as in Patroni
        assertThat(restapi.extraHeaders()).containsExactly(Map.entry("X-Frame-Options", "SAMEORIGIN"));
        assertThat(restapi.requestQueueSize()).hasValue(64);
        assertError(yaml.replace("request_queue_size: 64", "request_queue_size: 0"), "restapi.request_queue_size",
                "restapi.request_queue_size: expected a positive integer, got 0");
        assertError(yaml.replace("X-Frame-Options: SAMEORIGIN", "'X Frame': SAMEORIGIN"),
                "restapi.http_extra_headers.X Frame",
                "restapi.http_extra_headers.X Frame: expected an HTTP header name and a one-line value");
    }

    @Test
    void otherDcsSectionsAndCustomMethodSectionsAreJudgedCorrectly() throws IOException {
        String yaml = minimal() + """
                bootstrap:
                  method: restore
                  restore:
                    command: /usr/local/bin/restore
                etcd:
                  hosts: e1:2379
                """;
        yaml = yaml.replace("  data_dir: /data/pg\n", "  data_dir: /data/pg\n  create_replica_methods: [pgbackrest, basebackup]\n"
                + "  pgbackrest:\n    command: /bin/restore\n");

        assertThat(load(yaml).unknownKeys()).containsExactly("etcd");
    }

    @Test
    void replicaMethodsKeepTheirOrderArgumentsAndFlagsAndUnusableOnesAreNamed() throws IOException {
        String yaml = minimal().replace("  data_dir: /data/pg\n", "  data_dir: /data/pg\n"
                + "  create_replica_methods: [pgbackrest, nosection, nocommand, basebackup]\n"
                + "  pgbackrest:\n    command: /usr/bin/pgbackrest --stanza=main restore\n    keep_data: true\n"
                + "    no_master: 1\n    delta: true\n    type: standby\n    no_params: false\n"
                + "  nocommand:\n    keep_data: true\n  recovery_conf:\n    restore_command: cp /a/%f %p\n"
                + "    recovery_target_time: '2026-01-01'\n")
                + "vigil:\n  create_replica_timeout: 600\n";
        VigilConfig config = load(yaml);
        ReplicaCreation creation = config.postgresql().replicaCreation();

        assertThat(creation.methods()).extracting(ReplicaMethod::name).containsExactly("pgbackrest", "basebackup");
        ReplicaMethod pgbackrest = creation.methods().get(0);
        assertThat(pgbackrest.command()).contains("/usr/bin/pgbackrest --stanza=main restore");
        assertThat(pgbackrest.keepData()).isTrue();
        assertThat(pgbackrest.noLeader()).isTrue();
        assertThat(pgbackrest.noParams()).isFalse();
        assertThat(pgbackrest.arguments()).containsExactly(Map.entry("delta", "True"), Map.entry("type", "standby"));
        assertThat(creation.methods().get(1).builtin()).isTrue();
        assertThat(creation.worksWithoutLeader()).isTrue();
        assertThat(creation.problems()).containsExactly(
                "replica creation method nosection has no section postgresql.nosection with a command: method skipped",
                "postgresql.nocommand.command is not set: replica creation method nocommand skipped");
        assertThat(creation.methodTimeout()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(config.postgresql().recoveryConf()).containsExactly(Map.entry("restore_command", "cp /a/%f %p"));
        assertThat(config.unknownKeys()).isEmpty();
    }

    @Test
    void customBootstrapMethodWithItsFlagsArgumentsAndRecoverySettings() throws IOException {
        String yaml = minimal() + """
                bootstrap:
                  method: restore
                  restore:
                    command: /usr/local/bin/restore --fast
                    keep_existing_recovery_conf: true
                    recovery_conf:
                      restore_command: cp /archive/%f %p
                      recovery_target_action: promote
                    stanza: main
                    datadir: /ignored
                """;
        BootstrapConfig bootstrap = load(yaml).bootstrap();
        CustomBootstrap method = bootstrap.method().orElseThrow();
        assertThat(method.name()).isEqualTo("restore");
        assertThat(method.command()).isEqualTo("/usr/local/bin/restore --fast");
        assertThat(method.keepExistingRecoveryConf()).isTrue();
        assertThat(method.noParams()).isFalse();
        assertThat(method.recoveryConf().orElseThrow()).containsExactly(
                Map.entry("restore_command", "cp /archive/%f %p"), Map.entry("recovery_target_action", "promote"));
        assertThat(method.arguments()).containsExactly(Map.entry("stanza", "main"));
        assertThat(bootstrap.problems()).isEmpty();
    }

    @Test
    void aBootstrapMethodWithoutCommandMeansInitdbAndIsNamed() throws IOException {
        BootstrapConfig bootstrap = load(minimal() + "bootstrap:\n  method: restore\n  restore:\n    stanza: x\n")
                .bootstrap();
        assertThat(bootstrap.method()).isEmpty();
        assertThat(bootstrap.problems()).containsExactly(
                "bootstrap.method restore has no bootstrap.restore.command: a new cluster is created with initdb");
        assertThat(load(minimal() + "bootstrap:\n  method: initdb\n").bootstrap().method()).isEmpty();
    }

    @Test
    void postBootstrapOrItsOlderNamePostInit() throws IOException {
        assertThat(load(minimal() + "bootstrap:\n  post_bootstrap: /bin/a\n  post_init: /bin/b\n").bootstrap()
                .postBootstrap()).contains("/bin/a");
        assertThat(load(minimal() + "bootstrap:\n  post_bootstrap: ''\n  post_init: /bin/b --x\n").bootstrap()
                .postBootstrap()).contains("/bin/b --x");
        assertThat(load(minimal()).bootstrap().postBootstrap()).isEmpty();
    }

    @Test
    void withoutReplicaMethodsBasebackupIsTheOnlyOneAndTheLegacyKeyIsRead() throws IOException {
        ReplicaCreation defaults = load(minimal()).postgresql().replicaCreation();
        assertThat(defaults.methods()).extracting(ReplicaMethod::name).containsExactly("basebackup");
        assertThat(defaults.worksWithoutLeader()).isFalse();
        assertThat(defaults.methodTimeout()).isEqualTo(java.time.Duration.ofDays(1));

        String legacy = minimal().replace("  data_dir: /data/pg\n", "  data_dir: /data/pg\n"
                + "  create_replica_method: [wal_e]\n  wal_e:\n    command: /bin/wal-e\n");
        assertThat(load(legacy).postgresql().replicaCreation().methods()).extracting(ReplicaMethod::name)
                .containsExactly("wal_e");
    }

    @Test
    void directoryFilesAreMergedInNameOrderLaterWins() throws IOException {
        write("10-base.yml", minimal());
        write("20-local.yaml", """
                name: n2
                postgresql:
                  parameters:
                    shared_buffers: 1GB
                """);
        write("30-later.yml", """
                postgresql:
                  parameters:
                    shared_buffers: 2GB
                    work_mem: 8MB
                """);
        write("99-ignored.txt", "scope: not-yaml-extension\n");

        VigilConfig config = ConfigLoader.load(dir, NO_ENV);

        assertThat(config.scope()).isEqualTo("demo");
        assertThat(config.name()).isEqualTo("n2");
        assertThat(config.postgresql().parameters()).containsEntry("shared_buffers", "2GB").containsEntry("work_mem", "8MB");
        assertThat(config.postgresql().dataDir()).isEqualTo(Path.of("/data/pg"));
    }

    @Test
    void legacyCredentialSectionsAndNameAreAccepted() throws IOException {
        String yaml = """
                scope: demo
                restapi:
                  listen: 127.0.0.1:8008
                zookeeper:
                  hosts: [zk1:2181]
                postgresql:
                  name: old-node
                  listen: 127.0.0.1:5432
                  data_dir: /data/pg
                  superuser:
                    username: admin
                    password: a
                  replication:
                    username: repl
                    password: r
                  pg_rewind:
                    username: rew
                    password: w
                """;

        VigilConfig config = load(yaml);

        assertThat(config.name()).isEqualTo("old-node");
        assertThat(config.postgresql().superuser()).isEqualTo(new Credentials("admin", "a"));
        assertThat(config.postgresql().replication()).isEqualTo(new Credentials("repl", "r"));
        assertThat(config.postgresql().rewind()).contains(new Credentials("rew", "w"));
        assertThat(config.postgresql().usePgRewind()).isTrue();
        assertThat(config.unknownKeys()).isEmpty();
    }

    @Test
    void parameterValuesAreStringifiedTheWayPostgresqlExpects() throws IOException {
        String yaml = minimal().replace("  data_dir: /data/pg\n", """
                  data_dir: /data/pg
                  parameters:
                    max_parallel_workers: 100
                    fsync: on
                    synchronous_commit: 'on'
                    jit: false
                    checkpoint_completion_target: 0.9
                    unset_me:
                """);

        assertThat(load(yaml).postgresql().parameters()).containsExactly(
                Map.entry("max_parallel_workers", "100"),
                Map.entry("fsync", "on"),
                Map.entry("synchronous_commit", "on"),
                Map.entry("jit", "off"),
                Map.entry("checkpoint_completion_target", "0.9"));
    }

    @Test
    void initdbAndBasebackupAcceptTheMapForm() throws IOException {
        String yaml = minimal() + """
                bootstrap:
                  initdb:
                    encoding: UTF8
                    data-checksums: true
                """;
        yaml = yaml.replace("  data_dir: /data/pg\n", "  data_dir: /data/pg\n  basebackup:\n    max-rate: 100M\n    checkpoint: fast\n");

        VigilConfig config = load(yaml);

        assertThat(config.bootstrap().initdbOptions()).containsExactly("--encoding=UTF8", "--data-checksums");
        assertThat(config.postgresql().basebackupOptions()).containsExactly("--max-rate=100M", "--checkpoint=fast");
    }

    @Test
    void watchdogDeviceMarginDriverAndTheFence() throws IOException {
        WatchdogConfig defaults = load(minimal()).watchdog();
        assertThat(defaults).isEqualTo(WatchdogConfig.defaults());
        assertThat(defaults.timeoutSeconds(30)).isEqualTo(25);
        WatchdogConfig set = load(minimal() + "watchdog:\n  mode: required\n  device: /dev/watchdog1\n"
                + "  safety_margin: -1\n  driver: testing\nvigil:\n  fence: off\n").watchdog();
        assertThat(set).isEqualTo(new WatchdogConfig("required", "/dev/watchdog1", -1, "testing", false));
        assertThat(set.timeoutSeconds(30)).isEqualTo(15);
        assertThat(load(minimal()).unknownKeys()).isEmpty();
        assertThat(load(minimal() + "vigil:\n  fence: on\n").unknownKeys()).isEmpty();
        assertError(minimal() + "watchdog:\n  safety_margin: -2\n", "watchdog.safety_margin",
                "watchdog.safety_margin: expected -1 (ttl / 2) or a number of seconds of at least 0, got -2");
        assertError(minimal() + "watchdog:\n  driver: kernel\n", "watchdog.driver",
                "watchdog.driver: expected default or testing, got \"kernel\"");
        assertError(minimal() + "vigil:\n  fence: sometimes\n", "vigil.fence",
                "vigil.fence: expected on or off, got \"sometimes\"");
    }

    @Test
    void watchdogAliasesAreNormalised() throws IOException {
        assertThat(load(minimal() + "watchdog:\n  mode: off\n").watchdog().mode()).isEqualTo("off");
        assertThat(load(minimal() + "watchdog:\n  mode: disabled\n").watchdog().mode()).isEqualTo("off");
        assertThat(load(minimal() + "watchdog:\n  mode: auto\n").watchdog().mode()).isEqualTo("automatic");
        assertThat(load(minimal() + "watchdog:\n  mode: require\n").watchdog().mode()).isEqualTo("required");
        assertError(minimal() + "watchdog:\n  mode: sometimes\n", "watchdog.mode",
                "watchdog.mode: expected off, automatic or required, got \"sometimes\"");
    }

    @Test
    void missingScopeIsReported() throws IOException {
        assertError(minimal().replace("scope: demo\n", ""), "scope", "scope: required key is missing");
    }

    @Test
    void missingRequiredKeysAreReportedWithTheirPath() throws IOException {
        assertError(minimal().replace("name: n1\n", ""), "name", "name: required key is missing");
        assertError(minimal().replace("  listen: 127.0.0.1:8008\n", ""), "restapi.listen",
                "restapi.listen: required key is missing");
        assertError(minimal().replace("  data_dir: /data/pg\n", ""), "postgresql.data_dir",
                "postgresql.data_dir: required key is missing");
        assertError(minimal().replace("  listen: 127.0.0.1:5432\n", ""), "postgresql.listen",
                "postgresql.listen: required key is missing");
        assertError(minimal().replace("zookeeper:\n  hosts: zk1:2181,zk2:2181\n", ""), "zookeeper.hosts",
                "zookeeper.hosts: required key is missing");
        assertError(minimal().replace("    replication:\n      username: replicator\n", "    superuser:\n      password: x\n"),
                "postgresql.authentication.replication", "postgresql.authentication.replication: required key is missing");
        assertError(minimal().replace("      username: replicator\n", "      password: x\n"),
                "postgresql.authentication.replication.username",
                "postgresql.authentication.replication.username: required key is missing");
    }

    @Test
    void anotherDcsInsteadOfZookeeperIsRefusedByName() throws IOException {
        assertError(minimal().replace("zookeeper:\n  hosts: zk1:2181,zk2:2181\n", "etcd:\n  hosts: e1:2379\n"),
                "zookeeper", "zookeeper: required (Vigil supports only the ZooKeeper DCS; found etcd)");
    }

    @Test
    void listenWithoutPortIsRejected() throws IOException {
        assertError(minimal().replace("  listen: 127.0.0.1:5432\n", "  listen: abc\n"), "postgresql.listen",
                "postgresql.listen: expected host:port, got \"abc\"");
    }

    @Test
    void nonNumericPortIsRejected() throws IOException {
        assertError(minimal().replace("127.0.0.1:8008", "127.0.0.1:x"), "restapi.listen",
                "restapi.listen: expected host:port, got \"127.0.0.1:x\"");
    }

    @Test
    void bootstrapDcsIsValidatedLikeTheDynamicConfiguration() throws IOException {
        assertError(minimal() + "bootstrap:\n  dcs:\n    ttl: 30s\n", "bootstrap.dcs.ttl",
                "bootstrap.dcs.ttl: expected an integer, got \"30s\"");
        assertError(minimal() + "bootstrap:\n  dcs:\n    postgresql:\n      use_slots: maybe\n",
                "bootstrap.dcs.postgresql.use_slots",
                "bootstrap.dcs.postgresql.use_slots: expected a boolean, got \"maybe\"");
    }

    @Test
    void wrongTypeForABuiltInTagIsRejected() throws IOException {
        assertError(minimal() + "tags:\n  nofailover: [a, b]\n", "tags.nofailover",
                "tags.nofailover: expected a boolean, got a list");
    }

    @Test
    void wrongTypeForASectionIsRejected() throws IOException {
        assertError(minimal().replace("restapi:\n  listen: 127.0.0.1:8008\n", "restapi: 8008\n"), "restapi",
                "restapi: expected a mapping, got 8008");
    }

    @Test
    void forbiddenToolOptionsAreRejected() throws IOException {
        assertError(minimal() + "bootstrap:\n  initdb:\n  - pgdata: /elsewhere\n", "bootstrap.initdb",
                "bootstrap.initdb: option \"pgdata\" is not allowed (Vigil sets it itself)");
        assertError(minimal().replace("  data_dir: /data/pg\n", "  data_dir: /data/pg\n  basebackup:\n  - wal-method: fetch\n"),
                "postgresql.basebackup", "postgresql.basebackup: option \"wal-method\" is not allowed (Vigil sets it itself)");
        assertError(minimal() + "bootstrap:\n  initdb:\n  - {encoding: UTF8, locale: C}\n", "bootstrap.initdb",
                "bootstrap.initdb: expected a flag or a single {option: value} pair, got a mapping");
    }

    @Test
    void logDirComesWithPatronisRotationDefaults() throws IOException {
        assertThat(load(minimal()).logFile()).isEmpty();
        assertThat(load(minimal() + "log:\n  dir: /var/log/patroni\n").logFile())
                .contains(new LogFileConfig(Path.of("/var/log/patroni"), 4, 25_000_000L));
        assertThat(load(minimal() + "log:\n  dir: /var/log/patroni\n  file_num: 10\n  file_size: 1048576\n").logFile())
                .contains(new LogFileConfig(Path.of("/var/log/patroni"), 10, 1_048_576L));
        assertError(minimal() + "log:\n  dir: /var/log/patroni\n  file_size: big\n", "log.file_size",
                "log.file_size: expected an integer, got \"big\"");
    }

    @Test
    void callbacksAreReadPerEventAndABadOneIsNamed() throws IOException {
        String yaml = minimal().replace("  data_dir: /data/pg\n", "  data_dir: /data/pg\n  callbacks:\n"
                + "    on_role_change: /usr/local/bin/vip.sh --dev eth0\n    on_start: ''\n    on_stop: /bin/true\n");
        VigilConfig config = load(yaml);
        assertThat(config.postgresql().callbacks()).containsOnly(
                Map.entry("on_role_change", "/usr/local/bin/vip.sh --dev eth0"), Map.entry("on_stop", "/bin/true"));
        assertThat(config.unknownKeys()).isEmpty();
        assertThat(load(minimal()).postgresql().callbacks()).isEmpty();

        assertError(minimal().replace("  data_dir: /data/pg\n", "  data_dir: /data/pg\n  callbacks:\n    on_reload: [a, b]\n"),
                "postgresql.callbacks.on_reload", "postgresql.callbacks.on_reload: expected a string, got a list");
    }

    @Test
    void invalidYamlNamesFileLineAndColumn() throws IOException {
        Path file = write("broken.yml", "scope: demo\nrestapi:\n  listen: [127.0.0.1:8008\nname: n1\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": invalid YAML at line 4 column ")
                .hasMessageContaining("expected ',' or ']'")
                .extracting(e -> ((ConfigException) e).keyPath()).isEqualTo("");
    }

    @Test
    void invalidYamlInTheEnvironmentNamesTheVariable() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PATRONI_CONFIGURATION", "scope: [demo\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("PATRONI_CONFIGURATION: invalid YAML at line ");
    }

    @Test
    void infiniteFloatsWhereTextIsExpectedReadAsPythonWritesThem() {
        // found by ConfigFuzzTest#yaml: BigDecimal cannot hold infinity, which is what YAML makes of 1.0e+999
        String yaml = minimal().replace("name: n1", "name: 1.0e+999").replace("scope: demo", "scope: -1.0e+999");

        assertThat(ConfigLoader.load(null, Map.of("PATRONI_CONFIGURATION", yaml)))
                .extracting(VigilConfig::name, VigilConfig::scope).containsExactly("inf", "-inf");
    }

    @Test
    void yamlErrorQuotingALineBreakStaysOneLine() {
        // found by ConfigFuzzTest#yaml: SnakeYAML quotes the unexpected character itself, here a line break
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PATRONI_CONFIGURATION", "*\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("PATRONI_CONFIGURATION: invalid YAML at line 1 column 2: ")
                .hasMessageContaining("\\n")
                .hasMessageNotContaining("\n");
    }

    @Test
    void missingFileIsReported() {
        Path missing = dir.resolve("nope.yml");

        assertThatThrownBy(() -> ConfigLoader.load(missing, NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void topLevelMustBeAMapping() throws IOException {
        Path file = write("list.yml", "- a\n- b\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": expected a YAML mapping at the top level, got a list");
    }

    @Test
    void passwordsStayOutOfToString() throws IOException {
        VigilConfig config = load(minimal().replace("      username: replicator\n",
                "      username: replicator\n      password: s3cret\n"));

        assertThat(config.postgresql().replication().password()).isEqualTo("s3cret");
        assertThat(config.toString()).doesNotContain("s3cret").contains("replicator");
    }

    private VigilConfig load(String yaml) throws IOException {
        return ConfigLoader.load(write("patroni.yml", yaml), NO_ENV);
    }

    private void assertError(String yaml, String keyPath, String message) throws IOException {
        Path file = write("patroni.yml", yaml);
        assertThatThrownBy(() -> ConfigLoader.load(file, NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message)
                .extracting(e -> ((ConfigException) e).keyPath()).isEqualTo(keyPath);
    }

    private Path write(String fileName, String content) throws IOException {
        return Files.writeString(dir.resolve(fileName), content);
    }

    /** The smallest valid configuration; other tests build on it. */
    static String minimal() {
        return """
                scope: demo
                name: n1
                restapi:
                  listen: 127.0.0.1:8008
                zookeeper:
                  hosts: zk1:2181,zk2:2181
                postgresql:
                  listen: 127.0.0.1:5432
                  data_dir: /data/pg
                  authentication:
                    replication:
                      username: replicator
                """;
    }
}
