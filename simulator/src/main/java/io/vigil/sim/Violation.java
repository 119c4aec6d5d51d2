package io.vigil.sim;

import java.util.Set;
import java.util.stream.Collectors;

/** The first invariant a schedule broke, when, what the simulator saw, and the known causes it recognised. */
public record Violation(Invariant invariant, long timeMillis, String message, Set<Finding> findings) {

  public Violation {
    findings = Set.copyOf(findings);
  }

  @Override
  public String toString() {
    return "invariant " + invariant.number() + " " + invariant + " at " + Trace.seconds(timeMillis) + ": " + message
        + findings.stream().sorted().map(f -> " [" + f + "]").collect(Collectors.joining());
  }
}
