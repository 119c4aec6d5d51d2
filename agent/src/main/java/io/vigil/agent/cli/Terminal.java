package io.vigil.agent.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The operator's terminal: output, error output, and click-style prompts on the input
 * ({@code Text [default]: }, {@code Question? [y/N]: }). End of input aborts like click does.
 */
final class Terminal {

  final PrintStream out;
  final PrintStream err;
  private final InputStream rawIn;
  private BufferedReader in;

  Terminal(InputStream in, PrintStream out, PrintStream err) {
    this.rawIn = in;
    this.out = out;
    this.err = err;
  }

  /** {@code click.prompt(text, default=...)}: an empty answer takes the default; null = no default. */
  String prompt(String text, String defaultValue) {
    while (true) {
      out.print(text + (defaultValue == null ? "" : " [" + defaultValue + "]") + ": ");
      out.flush();
      String line = readLine();
      if (!line.isEmpty()) {
        return line;
      }
      if (defaultValue != null) {
        return defaultValue;
      }
    }
  }

  /** {@code click.confirm(text)}: y/yes or n/no, default no. */
  boolean confirm(String text) {
    while (true) {
      out.print(text + " [y/N]: ");
      out.flush();
      String answer = readLine().trim().toLowerCase(Locale.ROOT);
      switch (answer) {
        case "y", "yes" -> {
          return true;
        }
        case "", "n", "no" -> {
          return false;
        }
        default -> err.println("Error: invalid input");
      }
    }
  }

  /** A password without echo when there is a console, else a plain line. */
  String password(String text) {
    if (System.console() != null && rawIn == System.in) {
      char[] pw = System.console().readPassword("%s: ", text);
      if (pw == null) {
        throw new Aborted();
      }
      return new String(pw);
    }
    return prompt(text, null);
  }

  /** The rest of the input, for {@code --apply -}. */
  String readAll() {
    StringBuilder b = new StringBuilder();
    try {
      String line;
      while ((line = reader().readLine()) != null) {
        b.append(line).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toString();
  }

  boolean interactive() {
    return System.console() != null && rawIn == System.in;
  }

  private String readLine() {
    try {
      String line = reader().readLine();
      if (line == null) {
        out.println();
        throw new Aborted();
      }
      return line.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private BufferedReader reader() {
    if (in == null) {
      in = new BufferedReader(new InputStreamReader(rawIn, StandardCharsets.UTF_8));
    }
    return in;
  }

  /** End of input at a prompt: click prints {@code Aborted!} and exits 1. */
  static final class Aborted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Aborted() {
      super("Aborted!");
    }
  }
}
