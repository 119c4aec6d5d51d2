package io.vigil.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private Terminal term(String input) {
    return new Terminal(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
  }

  @Test
  void promptsLikeClick() {
    Terminal t = term("\nn3\nmaybe\nyes\n");
    assertThat(t.prompt("Primary", "n1")).isEqualTo("n1");
    assertThat(t.prompt("Candidate ['n2', 'n3']", "")).isEqualTo("n3");
    assertThat(t.confirm("Are you sure?")).isTrue();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
        "Primary [n1]: Candidate ['n2', 'n3'] []: Are you sure? [y/N]: Are you sure? [y/N]: ");
  }

  @Test
  void endOfInputAborts() {
    Terminal t = term("");
    assertThatThrownBy(() -> t.confirm("Sure?")).isInstanceOf(Terminal.Aborted.class);
  }
}
