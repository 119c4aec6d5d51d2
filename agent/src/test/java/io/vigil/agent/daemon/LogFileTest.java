package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.vigil.config.LogFileConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LogFileTest {

  @TempDir
  Path dir;

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final List<Appender<ILoggingEvent>> before = appenders();

  @AfterEach
  void restore() {
    LogFile.apply(Optional.empty());
  }

  @Test
  void logDirWritesPatroniLogRotatedBySizeInsteadOfStandardOutput() throws Exception {
    LogFile.apply(Optional.of(new LogFileConfig(dir, 2, 4_000)));
    assertThat(appenders()).extracting(Appender::getName).containsExactly("LOG_DIR");
    org.slf4j.Logger log = LoggerFactory.getLogger(LogFileTest.class);
    for (int i = 0; i < 200; i++) {
      log.info("line {} of a log that outgrows its file", i);
    }
    assertThat(Files.readString(dir.resolve("patroni.log"))).contains("INFO  [main] LogFileTest: line 199 of a log");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("patroni.log", "patroni.log.1", "patroni.log.2");
    }

    LogFile.apply(Optional.empty());
    assertThat(appenders()).as("standard output again").containsExactlyElementsOf(before);
    long size = Files.size(dir.resolve("patroni.log"));
    log.info("not in the file any more");
    assertThat(Files.size(dir.resolve("patroni.log"))).isEqualTo(size);
  }

  @Test
  void anUnwritableDirectoryKeepsTheLogWhereItWas() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file"), "");
    LogFile.apply(Optional.of(new LogFileConfig(notADirectory, 4, 25_000_000)));
    assertThat(appenders()).containsExactlyElementsOf(before);
  }

  private List<Appender<ILoggingEvent>> appenders() {
    List<Appender<ILoggingEvent>> list = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(list::add);
    return list;
  }
}
