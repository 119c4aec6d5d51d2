package io.vigil.sim;

/** The outcome of one call on the ZooKeeper port: a value, or the message of the DcsException it threw. */
record DcsResult<T>(T value, String error) {

  static <T> DcsResult<T> ok(T value) {
    return new DcsResult<>(value, null);
  }

  static <T> DcsResult<T> failed(String error) {
    return new DcsResult<>(null, error);
  }

  boolean failed() {
    return error != null;
  }
}
