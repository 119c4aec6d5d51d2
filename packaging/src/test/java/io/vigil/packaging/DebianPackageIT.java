package io.vigil.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Installs the built .deb on this machine with apt-get, as an operator would, checks what it put where, runs the
 * unit's command on the example configuration, and removes the package again. Needs root, apt-get and dpkg, and a machine without a vigil package already installed (one installed by
 * someone else is not ours to replace or remove); otherwise it is skipped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageIT {

    private static final Path DEB = Path.of(System.getProperty("vigil.deb"));
    private static final Path UNIT = Path.of("/lib/systemd/system/vigil.service");
    private static final Path CONFIG = Path.of("/etc/vigil/patroni.yml");
    private static final Path HOME = Path.of("/usr/share/vigil");
    private static final Map<String, String> NONINTERACTIVE = Map.of("DEBIAN_FRONTEND", "noninteractive");

    private static boolean installedHere;

    @BeforeAll
    static void install() throws Exception {
        assumeTrue(Command.run("id", "-u").ok().output().strip().equals("0"), "installing a package needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/apt-get")) && Files.isExecutable(Path.of("/usr/bin/dpkg")),
                "needs apt-get and dpkg (Debian or Ubuntu)");
        assumeTrue(!known(), "a vigil package is already on this machine");
        assertThat(DEB).exists();
        installedHere = true;
        Command.run(NONINTERACTIVE, "apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", DEB.toString())
                .ok();
    }

    @AfterAll
    static void removeIfStillThere() throws Exception {
        if (installedHere && known()) {
            Command.run(NONINTERACTIVE, "apt-get", "purge", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", "vigil").ok();
        }
    }

    /** Whether dpkg has the package in any state, also half-installed after a failed install or with its conffiles. */
    private static boolean known() throws Exception {
        Command status = Command.run("dpkg-query", "-W", "-f", "${db:Status-Status}", "vigil");
        return status.exit() == 0 && !status.output().equals("not-installed");
    }

    @Test
    @Order(1)
    void vigilctlOnThePathIsTheInstalledOne() throws Exception {
        assertThat(Command.run("vigilctl", "version").ok().output())
                .isEqualTo("vigilctl version " + System.getProperty("vigil.version") + "\n");
        assertThat(Path.of("/usr/bin/vigilctl").toRealPath()).isEqualTo(HOME.resolve("vigilctl"));
        assertThat(Path.of("/usr/bin/vigil").toRealPath()).isEqualTo(HOME.resolve("vigil"));
    }

    @Test
    @Order(2)
    void thePackageHoldsTheUnitTheConfigurationTheJarAndTheFenceHelper() throws Exception {
        List<String> files = Command.run("dpkg", "-L", "vigil").ok().output().lines().toList();
        assertThat(files).contains(UNIT.toString(), CONFIG.toString(), "/usr/share/vigil/vigil.jar",
                "/usr/share/vigil/vigil-fence", "/usr/bin/vigil", "/usr/bin/vigilctl");
        assertThat(Command.run("dpkg-query", "-W", "-f", "${Conffiles}", "vigil").ok().output()).contains(CONFIG.toString());
        assertThat(HOME.resolve("vigil-fence")).isExecutable();
    }

    /** Made by postinst for the installed jar and Java runtime; -Xshare:on makes a JVM fail rather than run without. */
    @Test
    @Order(3)
    void theAgentAndVigilctlMapTheirClassDataSharingArchives() throws Exception {
        String logCds = "-Xshare:on -Xlog:cds=info";
        assertThat(Command.run(Map.of("VIGILCTL_JAVA_OPTS", logCds), "vigilctl", "version").ok().output())
                .contains("Opened archive " + HOME.resolve("vigil-ctl.jsa") + ".");
        assertThat(Command.run(Map.of("VIGIL_JAVA_OPTS", logCds), "vigil", "--version").ok().output())
                .contains("Opened archive " + HOME.resolve("vigil.jsa") + ".");
    }

    @Test
    @Order(4)
    void theUnitRunsVigilOnTheInstalledConfigurationAsPostgresAndIsNotEnabled() throws Exception {
        Map<String, String> service = section(UNIT, "Service");
        assertThat(service.get("ExecStart")).isEqualTo("/usr/bin/vigil " + CONFIG);
        assertThat(service.get("User")).isEqualTo("postgres");
        assertThat(section(UNIT, "Install").get("WantedBy")).isEqualTo("multi-user.target");
        assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/vigil.service")).doesNotExist();
    }

    /** What the service will do first: read the configuration, as the postgres user, through the installed launcher. */
    @Test
    @Order(5)
    void theInstalledAgentAcceptsTheInstalledConfigurationAsPostgres() throws Exception {
        Command check = Command.run("runuser", "-u", "postgres", "--", "vigil", "--validate-config", CONFIG.toString());
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).isEmpty();
        assertThat(Command.run("stat", "-c", "%U:%G %a", CONFIG.toString()).ok().output()).isEqualTo("root:postgres 640\n");
    }

    /**
     * The example configuration, completed as the operator would (passwords) and moved to free ports and a scratch
     * data directory through Patroni's environment variables, run with the unit's command as its user: a primary.
     */
    @Test
    @Order(6)
    void theUnitsCommandOnTheExampleConfigurationBootstrapsAPrimary() throws Exception {
        Map<String, String> service = section(UNIT, "Service");
        Path scratch = Path.of(Command.run("runuser", "-u", service.get("User"), "--", "mktemp", "-d",
                "/tmp/vigil-packaging.XXXXXX").ok().output().strip());
        int rest = freePort();
        int postgres = freePort();
        try (TestingServer zooKeeper = new TestingServer()) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("PATRONI_SUPERUSER_PASSWORD", "package-su");
            env.put("PATRONI_REPLICATION_PASSWORD", "package-repl");
            env.put("PATRONI_ZOOKEEPER_HOSTS", zooKeeper.getConnectString());
            env.put("PATRONI_RESTAPI_LISTEN", "127.0.0.1:" + rest);
            env.put("PATRONI_RESTAPI_CONNECT_ADDRESS", "127.0.0.1:" + rest);
            env.put("PATRONI_POSTGRESQL_LISTEN", "127.0.0.1:" + postgres);
            env.put("PATRONI_POSTGRESQL_CONNECT_ADDRESS", "127.0.0.1:" + postgres);
            env.put("PATRONI_POSTGRESQL_DATA_DIR", scratch.resolve("data").toString());
            env.put("PATRONI_POSTGRESQL_PGPASS", scratch.resolve("pgpass").toString());
            // As systemd's User= does: the command itself runs as the user (runuser would stay in between as the
            // parent, and report a SIGTERM as its own exit status), in the user's login environment.
            List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + service.get("User"),
                    "--regid=" + service.get("User"), "--init-groups", "--reset-env", "--", "env"));
            env.forEach((key, value) -> argv.add(key + "=" + value));
            argv.addAll(List.of(service.get("ExecStart").split(" ")));
            Process agent = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(scratch.resolve("agent.log").toFile()).start();
            boolean stoppedOnSigterm;
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
                HttpRequest primary = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest + "/primary"))
                        .timeout(Duration.ofSeconds(2)).build();
                Awaitility.await("the agent's /primary").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions().failFast("the agent exited", () -> !agent.isAlive())
                        .until(() -> http.send(primary, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
                assertThat(http.send(primary, HttpResponse.BodyHandlers.ofString()).body())
                        .contains("\"role\":\"master\"", "\"scope\":\"main\"");
            } catch (org.awaitility.core.ConditionTimeoutException | AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nagent log:\n" + Files.readString(scratch.resolve("agent.log")), e);
            } finally {
                agent.destroy();
                stoppedOnSigterm = agent.waitFor(60, TimeUnit.SECONDS);
                if (!stoppedOnSigterm) {
                    agent.destroyForcibly().waitFor();
                }
            }
            assertThat(stoppedOnSigterm).as("the agent stops on SIGTERM").isTrue();
            assertThat(agent.exitValue()).as("a clean stop").isZero();
            assertThat(scratch.resolve("data/postmaster.pid")).as("PostgreSQL stopped with the agent").doesNotExist();
        } finally {
            if (Files.exists(scratch.resolve("data/postmaster.pid"))) {
                Command.run("runuser", "-u", service.get("User"), "--", "/usr/lib/postgresql/15/bin/pg_ctl", "stop",
                        "-m", "immediate", "-D", scratch.resolve("data").toString());
            }
            Command.run("rm", "-rf", scratch.toString()).ok();
        }
    }

    @Test
    @Order(7)
    void purgingLeavesNothingBehind() throws Exception {
        Command.run(NONINTERACTIVE, "apt-get", "purge", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", "vigil").ok();
        assertThat(known()).isFalse();
        assertThat(HOME).as("the archives postinst made go with the package").doesNotExist();
        assertThat(CONFIG.getParent()).doesNotExist();
        assertThat(Path.of("/usr/bin/vigil")).doesNotExist();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The keys of one [section] of a systemd unit file. */
    private static Map<String, String> section(Path unit, String name) throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        String current = "";
        for (String line : Files.readAllLines(unit)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
                current = trimmed.substring(1, trimmed.length() - 1);
            } else if (current.equals(name) && !trimmed.startsWith("#") && trimmed.contains("=")) {
                keys.put(trimmed.substring(0, trimmed.indexOf('=')).strip(),
                        trimmed.substring(trimmed.indexOf('=') + 1).strip());
            }
        }
        return keys;
    }
}
