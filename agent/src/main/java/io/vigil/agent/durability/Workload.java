package io.vigil.agent.durability;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Client threads inserting unique ids through the read-write endpoint, one autocommit INSERT per attempt, each
 * attempt classified:
 * <ul>
 *   <li>{@code ok}: PostgreSQL acknowledged the commit;
 *   <li>{@code failed}: certainly not committed: no connection could be opened, so the INSERT was never sent,
 *       or the server answered it with an error of severity ERROR (the implicit transaction was rolled back:
 *       PostgreSQL turns any error after its commit record into a PANIC);
 *   <li>{@code unknown}: anything else after the INSERT may have been sent: a broken connection, a timeout, a
 *       FATAL (a backend terminated after committing, e.g. during a synchronous-replication wait), a driver error.
 * </ul>
 */
final class Workload {

  enum Outcome { OK, FAILED, UNKNOWN }

  /** One attempt; times in nanoseconds since the workload's start. */
  record Attempt(long id, int client, long startNs, long endNs, Outcome outcome, String error) {}

  interface Endpoint {
    Connection open() throws SQLException;

    String describe();
  }

  private final Endpoint endpoint;
  private final String table;
  private final int clients;
  private final long periodNs;
  private final AtomicLong ids = new AtomicLong();
  private final List<List<Attempt>> perClient = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;
  private long t0;

  Workload(Endpoint endpoint, String table, int clients, int ratePerSecond) {
    this.endpoint = endpoint;
    this.table = table;
    this.clients = clients;
    this.periodNs = 1_000_000_000L * clients / ratePerSecond;
  }

  void start(long t0) {
    this.t0 = t0;
    running = true;
    for (int c = 0; c < clients; c++) {
      List<Attempt> log = new ArrayList<>();
      perClient.add(log);
      int client = c;
      Thread t = new Thread(() -> loop(client, log), "durability-client-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Stops issuing attempts and waits for those in flight (bounded by the driver's timeouts). */
  void stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(30_000);
    }
  }

  List<Attempt> attempts() {
    List<Attempt> all = new ArrayList<>();
    for (List<Attempt> l : perClient) {
      synchronized (l) {
        all.addAll(l);
      }
    }
    all.sort(java.util.Comparator.comparingLong(Attempt::id));
    return all;
  }

  private void loop(int client, List<Attempt> log) {
    Connection c = null;
    long next = System.nanoTime();
    while (running) {
      long id = ids.incrementAndGet();
      long start = System.nanoTime() - t0;
      Outcome outcome;
      String error = null;
      if (c == null) {
        try {
          c = endpoint.open();
          c.setAutoCommit(true);
        } catch (SQLException e) {
          error = "connect: " + oneLine(e);
          closeQuietly(c);
          c = null;
        }
      }
      if (c == null) {
        outcome = Outcome.FAILED;
      } else {
        try (Statement s = c.createStatement()) {
          s.executeUpdate("INSERT INTO " + table + "(id, at) VALUES (" + id + ", clock_timestamp())");
          outcome = Outcome.OK;
        } catch (SQLException e) {
          outcome = rolledBack(e) ? Outcome.FAILED : Outcome.UNKNOWN;
          error = "insert: " + oneLine(e);
          closeQuietly(c);
          c = null;
        } catch (RuntimeException e) {
          outcome = Outcome.UNKNOWN;
          error = "insert: " + e;
          closeQuietly(c);
          c = null;
        }
      }
      long end = System.nanoTime() - t0;
      synchronized (log) {
        log.add(new Attempt(id, client, start, end, outcome, error));
      }
      // the rate, and no busy loop against an endpoint that refuses at once
      next = Math.max(next + periodNs, System.nanoTime() + (outcome == Outcome.OK ? 0 : 50_000_000L));
      sleepUntil(next);
    }
    closeQuietly(c);
  }

  /** An ERROR from the server in answer to the INSERT: the autocommit transaction did not commit. */
  static boolean rolledBack(SQLException e) {
    if (e instanceof PSQLException p) {
      ServerErrorMessage m = p.getServerErrorMessage();
      return m != null && "ERROR".equals(m.getSeverity());
    }
    return false;
  }

  private static void sleepUntil(long nanoTime) {
    long ms = (nanoTime - System.nanoTime()) / 1_000_000;
    if (ms > 0) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof SQLException s && s.getSQLState() != null) {
      m = s.getSQLState() + " " + m;
    }
    return m.replaceAll("\\s+", " ").trim();
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException | RuntimeException e) {
        // already broken
      }
    }
  }
}
