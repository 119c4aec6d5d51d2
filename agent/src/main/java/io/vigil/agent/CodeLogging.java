package io.vigil.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * Logback set up in code for the processes Vigil's launchers start (the agent, the demo, the CLI): the same
 * appender, pattern and levels as {@code logback.xml}, without the XML configurator, which alone loads some 600
 * classes (logback's Joran and the JDK's XML parser: memory of an agent that runs for months, and a tenth of a
 * second of every CLI command). Found by logback's service loader; it only acts when a main method asked for it
 * and nobody chose a file with {@code -Dlogback.configurationFile}; in-process users (tests) get {@code
 * logback.xml} as before.
 */
public final class CodeLogging extends ContextAwareBase implements Configurator {

  /** The line format of every log Vigil writes (logback.xml repeats it for in-process users). */
  public static final String PATTERN = "%d{\"yyyy-MM-dd HH:mm:ss,SSS\"} %-5level [%thread] %logger{0}: %msg%n";

  /** Set by a main method before the first logger is created. */
  public static final String PROPERTY = "vigil.logging";

  /** Asks for this configuration; call before the first logger is created. */
  public static void select() {
    System.setProperty(PROPERTY, "code");
  }

  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    if (!"code".equals(System.getProperty(PROPERTY)) || System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    NopStatusListener quiet = new NopStatusListener();
    ctx.getStatusManager().add(quiet);

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(ctx);
    out.setName("OUT");
    out.setEncoder(encoder);
    out.start();

    ctx.getLogger("org.apache.zookeeper").setLevel(Level.toLevel(System.getProperty("vigil.zookeeper.log"), Level.ERROR));
    ctx.getLogger("org.apache.curator").setLevel(Level.toLevel(System.getProperty("vigil.curator.log"), Level.OFF));
    ctx.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getProperty("vigil.log.level"), Level.INFO));
    root.addAppender(out);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
