package io.vigil.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The packaged /etc/vigil/patroni.yml is one the agent accepts (needs no root: the built jar checks the source file). */
class ExampleConfigIT {

    @Test
    void theBuiltAgentAcceptsTheExampleConfiguration() throws Exception {
        Command check = Command.run("java", "-jar", System.getProperty("vigil.jar"), "--validate-config",
                System.getProperty("vigil.example"));
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).as("neither unknown nor unimplemented keys").isEmpty();
    }
}
