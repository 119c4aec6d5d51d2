package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostgresSettingsTest {

  private static PostgresSettings listening(String listen) {
    return new PostgresSettings(Path.of("data"), Optional.empty(), listen, 5432, "10.0.0.1", 5432,
        Path.of("pgpass"), "postgres", new Credentials("postgres", "secret"), new Credentials("replicator", ""),
        "batman", "n1", Optional.empty(), PostgresSettings.DEFAULT_START_TIMEOUT);
  }

  @Test
  void localConnectionsUseLoopbackForWildcardListenAddresses() {
    assertThat(listening("*").localHost()).isEqualTo("localhost");
    assertThat(listening("0.0.0.0").localHost()).isEqualTo("127.0.0.1");
    assertThat(listening("10.0.0.1, 127.0.0.1").localHost()).isEqualTo("127.0.0.1");
    assertThat(listening("10.0.0.1,10.0.0.2").localHost()).isEqualTo("10.0.0.1");
  }

  @Test
  void pathsAreAbsoluteAndPasswordsNeverPrinted() {
    PostgresSettings s = listening("*");
    assertThat(s.dataDir()).isAbsolute();
    assertThat(s.pgpass()).isAbsolute();
    assertThat(s.toString()).doesNotContain("secret").contains("username=postgres");
    assertThat(new PgpassEntry("h", "1", "*", "u", "secret").toString()).doesNotContain("secret");
  }

  @Test
  void rejectsImpossibleValues() {
    assertThatThrownBy(() -> new PostgresSettings(Path.of("d"), Optional.empty(), "*", 0, "h", 5432, Path.of("p"),
        "postgres", new Credentials("a", ""), new Credentials("b", ""), "s", "n", Optional.empty(), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
    assertThatThrownBy(() -> new PostgresSettings(Path.of("d"), Optional.empty(), "*", 1, "h", 5432, Path.of("p"),
        "postgres", new Credentials("a", ""), new Credentials("b", ""), "s", "n", Optional.empty(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startTimeout");
  }
}
