package io.vigil.agent.cli;

/**
 * A refusal or failure reported as one line, {@code Error: <message>}, with exit status 1, like patronictl's
 * {@code PatroniCtlException}. {@link #usage} ones exit with 2.
 */
final class CtlException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CtlException(String message) {
    this(message, 1);
  }

  private CtlException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  static CtlException usage(String message) {
    return new CtlException(message, 2);
  }

  int exitCode() {
    return exitCode;
  }
}
