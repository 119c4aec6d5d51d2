package io.vigil.agent.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vigil.agent.daemon.DecisionLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class DemoLoggingTest {

  @TempDir
  Path dir;

  private final Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory())
      .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final org.slf4j.Logger ha = LoggerFactory.getLogger("vigil.ha");
  private final ListAppender<ILoggingEvent> console = new ListAppender<>();

  @BeforeEach
  void attachConsole() {
    console.setContext(root.getLoggerContext());
    console.start();
    root.addAppender(console);
  }

  @AfterEach
  void detachConsole() {
    root.detachAppender(console);
  }

  @Test
  void theConsoleShowsDecisionsWarningsAndErrorsAndTheFileEverything() throws Exception {
    Path file = dir.resolve("demo.log");
    try (DemoLogging logging = DemoLogging.apply(file, false)) {
      ha.info("no action. I am (n1), a secondary, and following a leader (n2)");
      ha.info(DecisionLog.DECISION, "decision cycle=7 rule=ACQUIRE_LOCK");
      ha.warn("the leader is unreachable");
    }
    assertThat(console.list).extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("decision cycle=7 rule=ACQUIRE_LOCK", "the leader is unreachable");
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("no action. I am (n1)", "rule=ACQUIRE_LOCK",
        "WARN ", "the leader is unreachable");

    ha.info("no action. after the demo");
    assertThat(console.list).as("the console as it was once the demo stops").hasSize(3);
  }

  @Test
  void verboseKeepsTheFullConsole() throws Exception {
    try (DemoLogging logging = DemoLogging.apply(dir.resolve("demo.log"), true)) {
      ha.info("no action. I am (n1), the leader with the lock");
    }
    assertThat(console.list).extracting(ILoggingEvent::getFormattedMessage)
        .isEqualTo(List.of("no action. I am (n1), the leader with the lock"));
  }
}
