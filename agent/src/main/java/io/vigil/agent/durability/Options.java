package io.vigil.agent.durability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The command line of {@code vigil durability} (see docs/durability.md). */
record Options(int durationS, String mode, String profile, int faults, List<Fault.Kind> kinds, long seed,
    Path out, List<Path> configs, Path dir, String endpoint, int clients, int rate, Path haproxyTemplate) {

  static final String USAGE = """
      usage: vigil durability [--duration S] [--mode async|sync|strict] [--profile default|fast] [--faults N]
                              [--kinds kill9,postmaster,sigstop,switchover] [--seed N] [--out report.json]
                              [--endpoint auto|haproxy|jdbc] [--clients N] [--rate WRITES_PER_S] [--dir DIR]
                              [--haproxy-template FILE] [--config a.yml b.yml c.yml]""";

  /** Parses the arguments; throws {@link IllegalArgumentException} with a one-line reason. */
  static Options parse(String[] args) {
    int duration = 240;
    String mode = "async";
    String profile = "default";
    int faults = 6;
    List<Fault.Kind> kinds = List.of(Fault.Kind.values());
    long seed = 1;
    Path out = null;
    List<Path> configs = new ArrayList<>();
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "vigil-durability");
    String endpoint = "auto";
    int clients = 2;
    int rate = 100;
    Path template = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--config")) {
        while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          configs.add(Path.of(args[++i]).toAbsolutePath().normalize());
        }
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value" : "unexpected argument " + a);
      }
      String v = args[++i];
      switch (a) {
        case "--duration" -> duration = positive(a, v);
        case "--mode" -> mode = oneOf(a, v, "async", "sync", "strict");
        case "--profile" -> profile = oneOf(a, v, "default", "fast");
        case "--faults" -> faults = nonNegative(a, v);
        case "--kinds" -> kinds = Fault.Kind.parseList(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--out" -> out = Path.of(v);
        case "--dir" -> dir = Path.of(v).toAbsolutePath();
        case "--endpoint" -> endpoint = oneOf(a, v, "auto", "haproxy", "jdbc");
        case "--clients" -> clients = positive(a, v);
        case "--rate" -> rate = positive(a, v);
        case "--haproxy-template" -> template = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (!configs.isEmpty() && configs.size() < 2) {
      throw new IllegalArgumentException("--config needs the configuration file of every member (at least 2)");
    }
    return new Options(duration, mode, profile, faults, kinds, seed, out, List.copyOf(configs), dir, endpoint,
        clients, rate, template);
  }

  boolean external() {
    return !configs.isEmpty();
  }

  int ttl() {
    return profile.equals("fast") ? 10 : 30;
  }

  int loopWait() {
    return profile.equals("fast") ? 2 : 10;
  }

  int retryTimeout() {
    return profile.equals("fast") ? 3 : 10;
  }

  private static int positive(String name, String v) {
    int n = nonNegative(name, v);
    if (n == 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return n;
  }

  private static int nonNegative(String name, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n < 0) {
        throw new IllegalArgumentException(name + " must not be negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a number, not " + v);
    }
  }

  private static String oneOf(String name, String v, String... allowed) {
    String lower = v.toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(lower)) {
        return a;
      }
    }
    throw new IllegalArgumentException(name + " must be one of " + String.join("|", allowed) + ", not " + v);
  }
}
