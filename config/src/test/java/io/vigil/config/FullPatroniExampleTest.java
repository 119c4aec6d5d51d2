package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration with every key of Patroni's YAML reference loads, and what the agent warns about at start (unknown
 * keys, Patroni settings it does not implement) is exactly the out-of-scope list of docs/compatibility.md.
 */
class FullPatroniExampleTest {

    private static final Map<String, String> ENV = Map.of("HOME", "/var/lib/postgresql");

    @TempDir
    Path dir;

    /** The example with its certificate and key paths moved under {@code dir}, where those files exist. */
    private VigilConfig load() throws URISyntaxException, IOException {
        String yaml = Files.readString(Path.of(getClass().getResource("/patroni-full.yml").toURI()))
                .replace("/etc/ssl/", dir + "/ssl/");
        Matcher file = Pattern.compile(Pattern.quote(dir + "/ssl/") + "[^\\s']+\\.(pem|key|crt)").matcher(yaml);
        while (file.find()) {
            Path path = Path.of(file.group());
            Files.createDirectories(path.getParent());
            Files.writeString(path, "");
        }
        Path config = Files.writeString(dir.resolve("patroni.yml"), yaml);
        return ConfigLoader.load(config, ENV);
    }

    @Test
    void warnsOnlyAboutWhatIsOutOfScope() throws URISyntaxException, IOException {
        VigilConfig config = load();

        assertThat(config.unknownKeys()).isEmpty();
        String python = " is a Patroni setting Vigil does not implement: Python logging settings; Vigil writes its own"
                + " log format (set log.level, log.dir)";
        assertThat(config.startupWarnings()).containsExactly(
                "citus is a Patroni setting Vigil does not implement: the node runs as a plain PostgreSQL cluster"
                        + " member; Citus workers are not registered",
                "log.format" + python, "log.dateformat" + python, "log.traceback_level" + python,
                "log.max_queue_size" + python, "log.loggers" + python);
    }

    @Test
    void libpqSettingsOfEachUserAreKept() throws URISyntaxException, IOException {
        PostgresqlConfig pg = load().postgresql();

        assertThat(List.copyOf(pg.replication().libpq().keySet())).containsExactly("sslmode", "sslcert", "sslkey",
                "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "gssencmode", "channel_binding", "krbsrvname");
        assertThat(pg.replication().libpq()).containsEntry("sslmode", "verify-ca")
                .containsEntry("sslkey", dir + "/ssl/private/repl.key").containsEntry("gssencmode", "disable");
        assertThat(pg.superuser().libpq()).containsEntry("sslmode", "prefer").containsEntry("krbsrvname", "postgres");
        assertThat(pg.replication().toString()).doesNotContain("repl-key-secret").doesNotContain("repl-secret");
    }
}
