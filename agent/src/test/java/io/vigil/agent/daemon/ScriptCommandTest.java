package io.vigil.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.config.CustomBootstrap;
import io.vigil.config.ReplicaMethod;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScriptCommandTest {

  private static ReplicaMethod method(String command, boolean noParams, Map<String, String> args) {
    return new ReplicaMethod("m", Optional.of(command), false, false, noParams, args);
  }

  @Test
  void sectionKeysComeFirstThenPatronisFourAndAKeyNamedLikeOneOfThemTakesPatronisValueInItsPlace() {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("stanza", "main");
    args.put("scope", "mine");
    args.put("delta", "True");
    assertThat(ScriptCommand.replica(method("'/opt/my tools/restore' --quiet", false, args), "pg", Path.of("/data"),
        "dbname=postgres user=replicator host=10.0.0.1 port=5432")).containsExactly(
        "/opt/my tools/restore", "--quiet", "--stanza=main", "--scope=pg", "--delta=True", "--role=replica",
        "--datadir=/data", "--connstring=dbname=postgres user=replicator host=10.0.0.1 port=5432");
  }

  @Test
  void noParamsPassesOnlyTheSectionsOwnKeys() {
    assertThat(ScriptCommand.replica(method("/bin/restore", true, Map.of("stanza", "main")), "pg", Path.of("/data"),
        "")).containsExactly("/bin/restore", "--stanza=main");
  }

  @Test
  void aBootstrapMethodGetsScopeAndDatadirFirstThenItsOwnKeys() {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("target", "latest");
    args.put("scope", "mine");
    CustomBootstrap restore = new CustomBootstrap("restore", "/bin/restore --quiet", false, false, Optional.empty(),
        args);
    assertThat(ScriptCommand.bootstrap(restore, "pg", Path.of("/data"))).containsExactly("/bin/restore", "--quiet",
        "--scope=pg", "--datadir=/data", "--target=latest", "--scope=mine");
    CustomBootstrap bare = new CustomBootstrap("restore", "/bin/restore", true, false, Optional.empty(),
        Map.of("target", "latest"));
    assertThat(ScriptCommand.bootstrap(bare, "pg", Path.of("/data"))).containsExactly("/bin/restore",
        "--target=latest");
  }

  @Test
  void anUnclosedQuoteIsRefusedWithItsReason() {
    assertThatThrownBy(() -> ScriptCommand.replica(method("/bin/restore 'oops", false, Map.of()), "pg",
        Path.of("/data"), "")).isInstanceOf(IllegalArgumentException.class).hasMessage("no closing quotation");
  }
}
