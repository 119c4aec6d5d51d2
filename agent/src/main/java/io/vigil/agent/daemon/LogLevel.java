package io.vigil.agent.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** Applies {@code log.level} (Patroni's Python level names) to Vigil's own logging, at start and on reload. */
final class LogLevel {

  private LogLevel() {}

  /**
   * {@code DEBUG}, {@code INFO}, {@code WARNING}/{@code WARN}, {@code ERROR}, {@code CRITICAL}/{@code FATAL};
   * an unknown name keeps the current level and says so.
   */
  static void apply(String pythonLevel) {
    if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx)) {
      return;
    }
    Level level = switch (pythonLevel.trim().toUpperCase(Locale.ROOT)) {
      case "DEBUG" -> Level.DEBUG;
      case "INFO" -> Level.INFO;
      case "WARNING", "WARN" -> Level.WARN;
      case "ERROR" -> Level.ERROR;
      case "CRITICAL", "FATAL" -> Level.ERROR;
      default -> null;
    };
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (level == null) {
      root.warn("log.level {} is not a level name (DEBUG, INFO, WARNING, ERROR, CRITICAL); keeping {}", pythonLevel,
          root.getLevel());
      return;
    }
    if (!level.equals(root.getLevel())) {
      root.setLevel(level);
    }
  }
}
