package io.vigil.agent.daemon;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import io.vigil.agent.CodeLogging;
import io.vigil.config.LogFileConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code log.dir} as Patroni does, at start and on reload: the log goes to {@code <dir>/patroni.log} (the
 * name Patroni users' log shippers look for), rotated at {@code file_size} bytes into {@code patroni.log.1} … {@code
 * .<file_num>}, and no longer to standard output. Without {@code log.dir} the appenders it replaced come back.
 */
final class LogFile {

  static final String FILE_NAME = "patroni.log";
  private static final String APPENDER = "LOG_DIR";

  private static Optional<LogFileConfig> applied = Optional.empty();
  private static final List<Appender<ILoggingEvent>> replaced = new ArrayList<>();

  private LogFile() {}

  static synchronized void apply(Optional<LogFileConfig> wanted) {
    if (wanted.equals(applied) || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> previous = root.getAppender(APPENDER);
    if (wanted.isEmpty()) {
      replaced.forEach(root::addAppender);
      replaced.clear();
    } else {
      Appender<ILoggingEvent> file = fileAppender(ctx, wanted.get());
      if (!file.isStarted()) {
        // e.g. a directory that does not exist or is not writable: keep logging where it goes now
        root.error("cannot log to {}: the log stays where it was", wanted.get().dir().resolve(FILE_NAME));
        return;
      }
      root.addAppender(file);
      for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
        Appender<ILoggingEvent> a = it.next();
        if (a != previous && !APPENDER.equals(a.getName())) {
          replaced.add(a);
        }
      }
      replaced.forEach(root::detachAppender);
    }
    if (previous != null) {
      root.detachAppender(previous);
      previous.stop();
    }
    applied = wanted;
    wanted.ifPresent(f -> root.info("logging to {} ({} old files of {} bytes kept)", f.dir().resolve(FILE_NAME),
        f.fileNum(), f.fileSize()));
  }

  private static Appender<ILoggingEvent> fileAppender(LoggerContext ctx, LogFileConfig config) {
    String file = config.dir().resolve(FILE_NAME).toString();
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(ctx);
    appender.setName(APPENDER);
    appender.setFile(file);

    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(ctx);
    rolling.setParent(appender);
    rolling.setFileNamePattern(file + ".%i");
    rolling.setMinIndex(1);
    rolling.setMaxIndex(Math.max(1, config.fileNum())); // file_num 0 keeps one old file
    rolling.start();
    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(ctx);
    trigger.setMaxFileSize(new FileSize(config.fileSize()));
    // the size is checked at every line, as Patroni's handler does (logback's default: once a minute); the agent
    // writes a line every few seconds, so the cost is one stat per line
    trigger.setCheckIncrement(ch.qos.logback.core.util.Duration.buildByMilliseconds(0));
    trigger.start();

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(CodeLogging.PATTERN);
    encoder.start();
    appender.setEncoder(encoder);
    appender.setRollingPolicy(rolling);
    appender.setTriggeringPolicy(trigger);
    appender.start();
    return appender;
  }
}
