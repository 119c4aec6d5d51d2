package io.vigil.agent.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.agent.daemon.Node;
import io.vigil.agent.haproxy.HaProxy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The demo as a newcomer meets it: its printed psql lines, run against the cluster it started. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoTest {

  private static final String READ_ONLY_TRANSACTION = "25006";

  private Path base;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private Demo demo;

  @BeforeAll
  void startDemo() throws Exception {
    base = Files.createTempDirectory("vigil-demo-test");
    // PostgreSQL runs as postgres when the tests run as root: it must reach its directories
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    demo = new Demo(base.resolve("demo"), new PrintStream(printed, true, UTF_8));
    demo.start(false, false, HaProxy.binary());
  }

  @AfterAll
  void stopDemo() throws Exception {
    demo.close();
    try (Stream<Path> files = Files.walk(base)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void thePrintedPsqlLineReachesTheLeaderAndTheLogFile() {
    String text = printed.toString(UTF_8);
    Node leader = demo.nodes().stream().filter(n -> n.status().holdsLock()).findFirst().orElseThrow();
    assertThat(port(text, "on the leader " + leader.config().name() + ":"))
        .isEqualTo(leader.config().postgresql().connectAddress().port());
    assertThat(text).contains("log:      " + base.resolve("demo").resolve(Demo.LOG_FILE));
    assertThat(base.resolve("demo").resolve(Demo.LOG_FILE)).content(UTF_8).contains("rule=");
  }

  @Test
  void haproxysReadWriteEndpointTakesWritesAndItsReadOnlyEndpointRefusesThem() throws Exception {
    String text = printed.toString(UTF_8);
    Optional<Path> binary = HaProxy.binary();
    if (binary.isEmpty()) {
      assertThat(text).contains("apt-get install haproxy");
    }
    Assumptions.assumeTrue(binary.isPresent(), "haproxy is not installed");
    int readWrite = port(text, "read-write:");
    int readOnly = port(text, "read-only:");
    // the demo prints the endpoints once HAProxy's checks have settled: the very first write goes to the leader
    try (Connection c = connect(readWrite); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE newcomer (id int)");
      assertThat(st.executeUpdate("INSERT INTO newcomer VALUES (1)")).isEqualTo(1);
    }
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> write(readOnly)).as("round robin over the replicas only")
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(READ_ONLY_TRANSACTION);
    }
  }

  @Test
  void namesAnArgumentItDoesNotKnow() {
    assertThat(Demo.unexpected(List.of("--dir", "/tmp/d", "--verbose", "--zk-ensemble"))).isEmpty();
    assertThat(Demo.unexpected(List.of("--verbse"))).contains("--verbse");
    assertThat(Demo.unexpected(List.of("--verbose", "--dir"))).contains("--dir");
  }

  private void write(int port) throws SQLException {
    try (Connection c = connect(port); Statement st = c.createStatement()) {
      // not an INSERT into newcomer: a replica may not have replayed its CREATE TABLE yet
      st.execute("CREATE TABLE on_a_replica (id int)");
    }
  }

  /** As the printed line connects: its password and user, database postgres. */
  private Connection connect(int port) throws SQLException {
    Matcher m = Pattern.compile("PGPASSWORD=(\\S+) psql -h 127\\.0\\.0\\.1 -p " + port + " -U (\\S+) postgres")
        .matcher(printed.toString(UTF_8));
    assertThat(m.find()).as("a psql line for port " + port).isTrue();
    Properties p = new Properties();
    p.setProperty("user", m.group(2));
    p.setProperty("password", m.group(1));
    p.setProperty("connectTimeout", "3");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
  }

  /** The port of the psql line printed after {@code label}. */
  private static int port(String text, String label) {
    Matcher m = Pattern.compile(Pattern.quote(label) + "\\s+PGPASSWORD=\\S+ psql -h 127\\.0\\.0\\.1 -p (\\d+) ")
        .matcher(text);
    assertThat(m.find()).as("a psql line after '" + label + "' in:\n" + text).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
