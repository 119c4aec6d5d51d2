package io.vigil.agent.haproxy;

import io.vigil.config.VigilConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy in front of a local three-member cluster, configured from scripts/haproxy.cfg.template (the file operators
 * copy, with Vigil's {@code OPTIONS /primary} and {@code OPTIONS /replica} health checks), as a child process until
 * {@link #close}. The durability checker writes through it; the demo prints its two endpoints.
 */
public final class HaProxy implements AutoCloseable {

  private static final long SETTLE_TIMEOUT_MS = 15_000;

  private final Process process;
  private final int readWritePort;
  private final int readOnlyPort;

  private HaProxy(Process process, int readWritePort, int readOnlyPort) {
    this.process = process;
    this.readWritePort = readWritePort;
    this.readOnlyPort = readOnlyPort;
  }

  /** Where the two listeners go. */
  @FunctionalInterface
  public interface FreePorts {
    int next() throws IOException;
  }

  /** {@code haproxy} on the PATH (or in /usr/sbin, where Debian puts it). */
  public static Optional<Path> binary() {
    for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin").split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, "haproxy");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The template of the checkout that {@code code} (vigil.jar, or the classes directory) was built in. */
  public static Path templateNextTo(Path code) {
    return code.toAbsolutePath().getParent().resolve("../../scripts/haproxy.cfg.template").normalize();
  }

  /**
   * Writes {@code dir/haproxy.cfg} from the template: the three members' addresses, the two listeners moved from
   * *:5000 and *:5001 to free loopback ports, a stats socket; starts {@code haproxy -db -f} (its output in
   * {@code dir/haproxy.log}) and waits until its health checks have settled, i.e. the listeners route by role.
   */
  public static HaProxy start(Path binary, Path template, List<VigilConfig> members, Path dir, FreePorts freePort)
      throws IOException, InterruptedException {
    if (members.size() != 3) {
      throw new IOException("the HAProxy template has three servers; this cluster has " + members.size());
    }
    String cfg = Files.readString(template);
    for (int i = 0; i < 3; i++) {
      VigilConfig m = members.get(i);
      String n = "NODE" + (i + 1);
      cfg = cfg.replace(n + "_HOST", m.postgresql().connectAddress().host())
          .replace(n + "_PG_PORT", Integer.toString(m.postgresql().connectAddress().port()))
          .replace(n + "_REST_PORT", Integer.toString(m.restapi().connectAddress().port()));
    }
    if (!cfg.contains("bind *:5000") || !cfg.contains("bind *:5001") || !cfg.contains("\nglobal\n")) {
      throw new IOException(template + " has no 'global' section or no 'bind *:5000' / 'bind *:5001' lines");
    }
    int rw = freePort.next();
    int ro = freePort.next();
    Path socket = dir.resolve("haproxy.sock");
    cfg = cfg.replace("bind *:5000", "bind 127.0.0.1:" + rw).replace("bind *:5001", "bind 127.0.0.1:" + ro)
        .replace("\nglobal\n", "\nglobal\n    stats socket " + socket + " mode 600 level user\n");
    Path file = dir.resolve("haproxy.cfg");
    Path log = dir.resolve("haproxy.log");
    Files.writeString(file, cfg);
    Process p = new ProcessBuilder(binary.toString(), "-db", "-f", file.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.currentTimeMillis() + SETTLE_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("haproxy exited with status " + p.exitValue() + "; see " + log);
      }
      if (ServerStates.settled(socket)) {
        return new HaProxy(p, rw, ro);
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new IOException("haproxy's health checks did not settle within " + SETTLE_TIMEOUT_MS / 1000 + " s; see "
        + log);
  }

  /** Routed to the member whose {@code OPTIONS /primary} answers 200. */
  public int readWritePort() {
    return readWritePort;
  }

  /** Round robin over the members whose {@code OPTIONS /replica} answers 200. */
  public int readOnlyPort() {
    return readOnlyPort;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
