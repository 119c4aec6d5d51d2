package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.durability.Durability;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short version of {@code scripts/durability} (docs/durability.md) in {@code synchronous_mode_strict}: one fault
 * of each kind against the leader of a real 3-node cluster while two clients insert unique rows, then every
 * acknowledged row must be on the healed primary and on both replicas.
 */
class DurabilityTest {

  @Test
  void strictModeLosesNoAcknowledgedWriteUnderEachKindOfFault(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = {"--mode", "strict", "--profile", "fast", "--duration", "75", "--faults", "4",
        "--kinds", "kill9,postmaster,sigstop,switchover", "--seed", "7", "--dir", dir.toString()};
    int exit = Durability.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String progress = err.toString(StandardCharsets.UTF_8);

    assertThat(exit).as("exit status; progress:%n%s", progress).isZero();
    JsonNode report = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(report.get("verdict").asText()).isEqualTo("ok");
    assertThat(report.get("lost_acknowledged_count").asInt()).isZero();
    assertThat(report.get("unexpected_rows_count").asInt()).isZero();
    assertThat(report.get("unknown_committed").asInt() + report.get("unknown_not_committed").asInt())
        .as("every unknown attempt was looked up").isEqualTo(report.get("attempts").get("unknown").asInt());

    List<String> kinds = new ArrayList<>();
    for (JsonNode f : report.get("faults")) {
      assertThat(f.get("outcome").asText()).as("fault %s ran", f.get("kind").asText())
          .doesNotStartWith("skipped").isNotEqualTo("not run");
      kinds.add(f.get("kind").asText());
    }
    assertThat(kinds).as("a check that injected nothing proves nothing")
        .containsExactlyInAnyOrder("kill9", "postmaster", "sigstop", "switchover");

    int acknowledged = report.get("attempts").get("ok").asInt();
    assertThat(acknowledged).as("writes went on between the faults").isGreaterThan(1_000);
    assertThat(report.get("rows_read").asInt()).isEqualTo(acknowledged + report.get("unknown_committed").asInt());
    assertThat(report.get("replicas")).as("both replicas compared").hasSize(2).allSatisfy(r ->
        assertThat(r.get("rows").asInt()).as("rows on %s", r.get("name").asText())
            .isEqualTo(report.get("rows_read").asInt()));
    assertThat(Files.readString(dir.resolve("report.json"))).contains("\"verdict\" : \"ok\"");
  }
}
