package io.vigil.agent.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import io.vigil.agent.CodeLogging;
import io.vigil.agent.daemon.DecisionLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Where the demo's log goes: all of it to one file; on the console, by default, only what a newcomer watches for
 * (decision records, warnings, errors), since three nodes each log a steady-state line every loop. {@link #close}
 * puts the console back as it was.
 */
final class DemoLogging implements AutoCloseable {

  private static final String FILE_APPENDER = "DEMO_FILE";

  private final Logger root;
  private final Appender<ILoggingEvent> file;
  private final List<Appender<ILoggingEvent>> quietened = new ArrayList<>();
  private final DecisionsOnly filter = new DecisionsOnly();

  private DemoLogging(Logger root, Appender<ILoggingEvent> file) {
    this.root = root;
    this.file = file;
  }

  /** Logs everything to {@code logFile}; {@code verbose} keeps the console's full log. */
  static DemoLogging apply(Path logFile, boolean verbose) throws Demo.DemoException {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      throw new Demo.DemoException("the demo needs logback as its logging backend");
    }
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    FileAppender<ILoggingEvent> file = new FileAppender<>();
    file.setContext(ctx);
    file.setName(FILE_APPENDER);
    file.setFile(logFile.toString());
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(CodeLogging.PATTERN);
    encoder.start();
    file.setEncoder(encoder);
    file.start();
    if (!file.isStarted()) {
      throw new Demo.DemoException("cannot write the demo's log " + logFile);
    }
    DemoLogging logging = new DemoLogging(root, file);
    if (!verbose) {
      for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
        logging.quietened.add(it.next());
      }
      logging.filter.start();
      logging.quietened.forEach(a -> a.addFilter(logging.filter));
    }
    root.addAppender(file);
    return logging;
  }

  @Override
  public void close() {
    root.detachAppender(file);
    file.stop();
    // logback has no removeFilter: put back the console's other filters (logback.xml and CodeLogging set none)
    for (Appender<ILoggingEvent> a : quietened) {
      List<Filter<ILoggingEvent>> others = a.getCopyOfAttachedFiltersList().stream().filter(f -> f != filter).toList();
      a.clearAllFilters();
      others.forEach(a::addFilter);
    }
  }

  /** Warnings, errors and decision records pass; the steady-state and routine lines do not. */
  private static final class DecisionsOnly extends Filter<ILoggingEvent> {
    @Override
    public FilterReply decide(ILoggingEvent e) {
      boolean decision = e.getMarkerList() != null && e.getMarkerList().contains(DecisionLog.DECISION);
      return decision || e.getLevel().isGreaterOrEqual(Level.WARN) ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
  }
}
