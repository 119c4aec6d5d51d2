package io.vigil.agent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opens {@code $EDITOR} (else {@code editor} or {@code vi} from the PATH) on a temporary YAML file. */
final class Editor {

  private Editor() {}

  static String edit(String text, String scope) throws IOException, InterruptedException {
    String command = System.getenv("EDITOR");
    if (command == null || command.isBlank()) {
      command = onPath("editor");
      if (command == null) {
        command = onPath("vi");
      }
    }
    if (command == null) {
      throw new CtlException("EDITOR environment variable is not set. editor or vi are not available");
    }
    Path tmp = Files.createTempFile(scope + "-config-", ".yaml");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      List<String> argv = new ArrayList<>(List.of(command.strip().split("\\s+")));
      argv.add(tmp.toString());
      int code = new ProcessBuilder(argv).inheritIO().start().waitFor();
      if (code != 0) {
        throw new CtlException("Editor exited with return code " + code);
      }
      return Files.readString(tmp, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }
}
