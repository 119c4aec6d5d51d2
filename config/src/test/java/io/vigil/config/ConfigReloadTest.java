package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloadTest {

    @TempDir
    Path dir;

    private static final String BASE = ConfigLoaderTest.minimal() + "tags:\n  nofailover: false\n";

    private VigilConfig load(String yaml) throws IOException {
        return ConfigLoader.load(Files.writeString(dir.resolve("patroni.yml"), yaml), Map.of());
    }

    @Test
    void appliesParametersAndTagsAndKeepsWhatNeedsAnAgentRestart() throws IOException {
        VigilConfig running = load(BASE);
        VigilConfig reread = load(BASE.replace("nofailover: false", "nofailover: true")
                .replace("  listen: 127.0.0.1:5432", "  listen: 127.0.0.1:5433\n  parameters:\n    work_mem: 7MB")
                .replace("name: n1", "name: n9"));
        ConfigReload reload = ConfigReload.of(running, reread);
        assertThat(reload.effective().postgresql().parameters()).containsEntry("work_mem", "7MB");
        assertThat(reload.effective().tags().nofailover()).contains(true);
        assertThat(reload.effective().name()).isEqualTo("n1");
        assertThat(reload.effective().postgresql().listen()).isEqualTo(running.postgresql().listen());
        assertThat(reload.needsRestart()).containsExactly("name", "postgresql.listen", "postgresql.connect_address");
    }

    @Test
    void beforeStopAppliesAtOnceAndCustomConfWhenTheAgentRestarts() throws IOException {
        VigilConfig running = load(BASE);
        VigilConfig reread = load(BASE.replace("  listen: 127.0.0.1:5432", "  listen: 127.0.0.1:5432\n"
                + "  before_stop: /usr/local/bin/drain.sh --quick\n  custom_conf: /etc/postgresql/custom.conf"));
        ConfigReload reload = ConfigReload.of(running, reread);
        assertThat(reload.effective().postgresql().beforeStop()).contains("/usr/local/bin/drain.sh --quick");
        assertThat(reload.effective().postgresql().customConf()).isEmpty();
        assertThat(reload.needsRestart()).containsExactly("postgresql.custom_conf");
    }

    @Test
    void anUnchangedFileChangesNothing() throws IOException {
        VigilConfig running = load(BASE);
        ConfigReload reload = ConfigReload.of(running, load(BASE));
        assertThat(reload.needsRestart()).isEmpty();
        assertThat(reload.effective()).isEqualTo(running);
    }
}
