package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code postgresql.custom_conf} on real PostgreSQL 15: the file postgresql.conf includes instead of postgresql.base.conf. */
class CustomConfTest {

  private static final Credentials SU = new Credentials("postgres", "su");
  private static final Credentials REPL = new Credentials("replicator", "repl");

  private Path base;
  private LocalPostgres pg;

  @BeforeEach
  void setUp() throws Exception {
    base = TestPg.baseDir("vigil-custom-conf-");
    PostgresSettings s = TestPg.settings(base, "n1", TestPg.freePort(), SU, REPL);
    pg = new LocalPostgres(new PostgresSettings(s.dataDir(), s.binDir(), s.listenHost(), s.port(), s.connectHost(),
        s.connectPort(), s.pgpass(), s.database(), SU, REPL, s.scope(), s.memberName(), s.runAsUser(),
        s.startTimeout(), Map.of(), Optional.of(base.resolve("custom.conf"))));
    pg.initdb(List.of("--encoding=UTF8", "--locale=C.UTF-8"));
    pg.writeHba(List.of("local all all trust", "host all all 127.0.0.1/32 md5"));
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      pg.stop(StopMode.IMMEDIATE, Duration.ofSeconds(10));
    } finally {
      TestPg.deleteTree(base);
    }
  }

  private Map<String, String> parameters() {
    return Map.of("listen_addresses", "127.0.0.1", "port", Integer.toString(pg.settings().port()),
        "unix_socket_directories", base.toString(), "fsync", "off");
  }

  @Test
  void aParameterSetOnlyInTheCustomFileIsInEffect() throws Exception {
    Files.writeString(base.resolve("custom.conf"), "work_mem = '7MB'\nmax_connections = 42\n");
    pg.writeConfig(parameters(), Optional.empty());
    Path data = pg.settings().dataDir();
    assertThat(data.resolve("postgresql.conf")).content()
        .startsWith(ConfigFiles.HEADER + "include '" + base.resolve("custom.conf") + "'\n\n");
    assertThat(data.resolve("postgresql.base.conf")).as("initdb's file, kept").content().contains("max_connections");

    pg.start();
    try (Connection c = TestPg.connect(pg.settings()); Statement st = c.createStatement()) {
      assertThat(show(st, "work_mem")).isEqualTo("7MB");
      assertThat(show(st, "max_connections")).isEqualTo("42");
    }
  }

  @Test
  void aMissingCustomFileIsRefusedWithItsName() {
    assertThatThrownBy(() -> pg.writeConfig(parameters(), Optional.empty()))
        .isInstanceOf(PostgresException.class)
        .hasMessage("postgresql.custom_conf " + base.resolve("custom.conf")
            + " is not a file: PostgreSQL would not start with it");
    assertThat(pg.settings().dataDir().resolve("postgresql.conf")).as("initdb's file, untouched").content()
        .doesNotContain("Patroni");
    assertThat(pg.settings().dataDir().resolve(ConfigFiles.BASE_CONF)).doesNotExist();
  }

  private static String show(Statement st, String name) throws Exception {
    try (ResultSet rs = st.executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
