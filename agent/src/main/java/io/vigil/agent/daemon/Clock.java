package io.vigil.agent.daemon;

/** The only source of time for the I/O shell; the HA core gets time inside its observation. */
@FunctionalInterface
interface Clock {
  long millis();

  Clock SYSTEM = System::currentTimeMillis;
}
