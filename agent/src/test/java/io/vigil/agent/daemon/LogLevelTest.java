package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogLevelTest {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Level before = root.getLevel();

  @AfterEach
  void restore() {
    root.setLevel(before);
  }

  @Test
  void pythonLevelNamesMapToLogback() {
    LogLevel.apply("WARNING");
    assertThat(root.getLevel()).isEqualTo(Level.WARN);
    LogLevel.apply("debug");
    assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
    LogLevel.apply("CRITICAL");
    assertThat(root.getLevel()).isEqualTo(Level.ERROR);
    LogLevel.apply("LOUD");
    assertThat(root.getLevel()).as("an unknown name keeps the level").isEqualTo(Level.ERROR);
  }
}
