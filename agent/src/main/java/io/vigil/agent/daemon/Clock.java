package io.vigil.agent.daemon;

/**
 * The only source of time for the I/O shell; the HA core gets time inside its observation. Wall
 * time stamps observations (scheduled switchovers are wall-clock instants); leases and sleeps use
 * the monotonic clock, so a stepped system clock can neither extend the lock flag nor stall the loop.
 */
interface Clock {
  long millis();

  long monotonicMillis();

  Clock SYSTEM = new Clock() {
    @Override
    public long millis() {
      return System.currentTimeMillis();
    }

    @Override
    public long monotonicMillis() {
      return System.nanoTime() / 1_000_000;
    }
  };
}
