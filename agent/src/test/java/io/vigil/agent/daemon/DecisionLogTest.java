package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vigil.agent.ha.AgentMemory;
import io.vigil.agent.ha.Decision;
import io.vigil.agent.ha.LocalPg;
import io.vigil.agent.ha.NodeSettings;
import io.vigil.agent.ha.Observation;
import io.vigil.agent.ha.Rule;
import io.vigil.config.DynamicConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DecisionLogTest {

  private final Logger ha = (Logger) LoggerFactory.getLogger("vigil.ha");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  DecisionLogTest() {
    appender.start();
    ha.addAppender(appender);
  }

  @AfterEach
  void detach() {
    ha.detachAppender(appender);
  }

  private static final Observation O = new Observation(0, Optional.empty(), Optional.empty(), 0,
      new LocalPg(LocalPg.DataDir.INITIALIZED, true, Optional.empty(), Optional.empty()), List.of(),
      new NodeSettings("n1", false, true, Map.of(), DynamicConfig.defaults(), "c", "a", Map.of()));

  private static Decision steady(Rule rule) {
    return new Decision(rule, rule.name(), List.of(), AgentMemory.initial());
  }

  @Test
  void aLastingConditionIsWarnedAboutOnceWhenItBegins() {
    DecisionLog log = new DecisionLog();
    for (Rule r : List.of(Rule.STANDBY_LEADER, Rule.STANDBY_LEADER_NOT_STREAMING, Rule.STANDBY_LEADER_NOT_STREAMING,
        Rule.STANDBY_LEADER_NOT_STREAMING, Rule.STANDBY_LEADER, Rule.STANDBY_LEADER_NOT_STREAMING)) {
      log.record(O, steady(r), false);
    }
    assertThat(appender.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.INFO, Level.WARN, Level.INFO,
        Level.INFO, Level.INFO, Level.WARN);
  }
}
