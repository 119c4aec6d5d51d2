package io.vigil.agent.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@code vigil-fence} helper (agent/src/main/c/vigil-fence.c) as a child process: one command line in on its
 * standard input, one answer line back on its standard output. Its log lines go to the agent's standard error.
 */
final class FenceProcess {

  /** Long enough for a loaded machine, short enough that a stuck helper does not hold up the HA loop. */
  private static final long ANSWER_TIMEOUT_MS = 2_000;

  private final Process process;
  private final Writer commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

  private FenceProcess(Process process) {
    this.process = process;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
    Thread reader = new Thread(this::readAnswers, "vigil-fence-answers");
    reader.setDaemon(true);
    reader.start();
  }

  static FenceProcess start(Path binary, Path dataDir, List<String> watchdogArgs) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of(binary.toString(), "--datadir", dataDir.toString()));
    cmd.addAll(watchdogArgs);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new FenceProcess(p);
  }

  private void readAnswers() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
      String line;
      while ((line = r.readLine()) != null) {
        answers.add(line);
      }
    } catch (IOException e) {
      // the helper is gone; send() reports it
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Why the helper is not running; only meaningful once {@link #alive()} is false. */
  String exitDescription() {
    return process.isAlive() ? "running" : "the fence process (pid " + process.pid() + ") exited with status "
        + process.exitValue();
  }

  /** Sends one command and returns the answer: "ok ..." or "err ...". */
  synchronized String send(String command) throws IOException {
    answers.clear();
    commands.write(command + "\n");
    commands.flush();
    try {
      String answer = answers.poll(ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (answer == null) {
        throw new IOException(process.isAlive() ? "the fence process did not answer '" + command + "' within "
            + ANSWER_TIMEOUT_MS + " ms" : exitDescription());
      }
      return answer;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the fence process");
    }
  }

  /** Disarms and ends the helper (the agent exits cleanly); kills it if it does not end within a second. */
  void exit() {
    try {
      if (process.isAlive()) {
        send("exit");
      }
      if (!process.waitFor(1, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** For a helper that misbehaves: gone at once, no questions asked. */
  void kill() {
    process.destroyForcibly();
  }
}
