package io.vigil.dcs;

import java.util.Arrays;
import java.util.List;

/**
 * One server of a ZooKeeper connection string ({@code host:port}, IPv6 hosts in brackets, port 2181 when absent, a
 * chroot suffix after the last server ignored), as the operator wrote it, for messages that name it.
 */
record ServerAddress(String host, int port, String text) {

    static List<ServerAddress> parse(String connectString) {
        int chroot = connectString.indexOf('/');
        String servers = chroot < 0 ? connectString : connectString.substring(0, chroot);
        return Arrays.stream(servers.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(ServerAddress::of).toList();
    }

    private static ServerAddress of(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        boolean hasPort = colon > hostPort.lastIndexOf(']');
        String host = hasPort ? hostPort.substring(0, colon) : hostPort;
        int port = hasPort ? Integer.parseInt(hostPort.substring(colon + 1)) : 2181;
        host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new ServerAddress(host, port, hostPort);
    }

    @Override
    public String toString() {
        return text;
    }
}
