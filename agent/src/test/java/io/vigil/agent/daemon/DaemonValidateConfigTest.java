package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil --validate-config <file>}, as Patroni's: silent and 0 for a usable file, 1 and the reason otherwise. */
class DaemonValidateConfigTest {

    @TempDir
    Path dir;

    record Exit(int code, String err) {
    }

    private Exit validate(String yaml) throws Exception {
        Path config = Files.writeString(dir.resolve("patroni.yml"), yaml);
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Exit(Daemon.run(new String[] {"--validate-config", config.toString()}),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    private static final String VALID = "scope: demo\nname: n1\nrestapi:\n  listen: 127.0.0.1:8008\n"
            + "zookeeper:\n  hosts: ['127.0.0.1:2181']\npostgresql:\n  listen: 127.0.0.1:5432\n"
            + "  data_dir: /var/lib/postgresql/15/vigil\n"
            + "  authentication:\n    replication:\n      username: replicator\n    superuser:\n      username: postgres\n";

    @Test
    void aUsableFileIsAcceptedSilentlyWithoutStartingAnything() throws Exception {
        assertThat(validate(VALID)).isEqualTo(new Exit(0, ""));
    }

    @Test
    void anInvalidFileIsRefusedWithTheKeyNamed() throws Exception {
        Exit exit = validate(VALID.replace("  listen: 127.0.0.1:5432\n", "  listen: 127.0.0.1:port\n"));
        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.err()).startsWith("vigil: postgresql.listen").hasLineCount(1);
    }

    @Test
    void aMissingFileIsRefused() throws Exception {
        assertThat(Daemon.run(new String[] {"--validate-config", dir.resolve("absent.yml").toString()})).isEqualTo(1);
    }
}
