package io.vigil.sim;

import java.util.PriorityQueue;

/**
 * Virtual time: milliseconds advanced only by taking the next event off the queue. There is no real
 * time and no thread anywhere in a simulated run, so one seed always yields the same event order.
 * Events at the same millisecond run in the order they were scheduled.
 */
final class SimClock {

  private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int byTime = Long.compare(time, o.time);
      return byTime != 0 ? byTime : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long now;
  private long seq;
  private long steps;

  long now() {
    return now;
  }

  /** Number of events run so far. */
  long steps() {
    return steps;
  }

  void at(long time, Runnable action) {
    if (time < now) {
      throw new IllegalArgumentException("event in the past: " + time + " < " + now);
    }
    queue.add(new Event(time, seq++, action));
  }

  void after(long delay, Runnable action) {
    at(now + delay, action);
  }

  /** Runs the next event if it is due by {@code until}; false when there is none. */
  boolean step(long until) {
    Event next = queue.peek();
    if (next == null || next.time > until) {
      return false;
    }
    queue.poll();
    now = next.time;
    steps++;
    next.action.run();
    return true;
  }
}
