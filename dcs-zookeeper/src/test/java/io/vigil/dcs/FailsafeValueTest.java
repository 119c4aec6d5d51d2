package io.vigil.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code failsafe} znode (wire spec 1.9): an object of member name to REST API URL; garbage reads as absent. */
class FailsafeValueTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheMembersAndTreatsGarbageAsAbsent() {
    assertThat(WireFormat.failsafe(b("{\"node1\":\"http://10.0.0.11:8008/patroni\",\"node2\":\"http://10.0.0.12:8008/patroni\"}")))
        .contains(Map.of("node1", "http://10.0.0.11:8008/patroni", "node2", "http://10.0.0.12:8008/patroni"));
    assertThat(WireFormat.failsafe(b("{}"))).contains(Map.of());
    assertThat(WireFormat.failsafe(b("not json"))).isEmpty();
    assertThat(WireFormat.failsafe(b("[1,2]"))).isEmpty();
    assertThat(WireFormat.failsafe(b("{\"node1\":5}"))).isEmpty();
    assertThat(WireFormat.failsafe(new byte[0])).isEmpty();
    assertThat(WireFormat.failsafe(null)).isEmpty();
  }

  @Test
  void isWrittenAsCompactJsonSortedByName() {
    assertThat(new String(WireFormat.compactJson(new java.util.TreeMap<>(Map.of("b", "http://b/patroni", "a",
        "http://a/patroni"))), StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"http://a/patroni\",\"b\":\"http://b/patroni\"}");
  }
}
