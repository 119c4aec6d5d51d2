package io.vigil.agent.haproxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The servers' states as HAProxy's stats socket reports them ({@code show stat}). Right after start HAProxy counts
 * every server as up until its checks say otherwise, so for a second or two the read-write listener may send a
 * write to a replica; the states have settled once every server was checked and is plainly {@code UP} or
 * {@code DOWN} (not e.g. {@code UP 1/2}, going down).
 */
final class ServerStates {

  private static final Set<String> UNCHECKED = Set.of("", "INI", "UNK");

  private ServerStates() {}

  /** False also while the socket does not answer yet. */
  static boolean settled(Path socket) {
    String csv;
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(ByteBuffer.wrap("show stat\n".getBytes(StandardCharsets.US_ASCII)));
      InputStream in = Channels.newInputStream(ch);
      csv = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return false;
    }
    return settled(csv);
  }

  /** {@code show stat}'s CSV: a {@code # pxname,svname,...} header, then one line per frontend, server, backend. */
  static boolean settled(String csv) {
    List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
      return false;
    }
    List<String> header = List.of(lines.get(0).substring(2).split(",", -1));
    int server = header.indexOf("svname");
    int status = header.indexOf("status");
    int check = header.indexOf("check_status");
    if (server < 0 || status < 0 || check < 0) {
      return false;
    }
    int servers = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f.length <= Math.max(server, Math.max(status, check))
          || f[server].equals("FRONTEND") || f[server].equals("BACKEND")) {
        continue;
      }
      servers++;
      String last = f[check].startsWith("* ") ? f[check].substring(2) : f[check];
      if (UNCHECKED.contains(last) || !(f[status].equals("UP") || f[status].equals("DOWN"))) {
        return false;
      }
    }
    return servers > 0;
  }
}
