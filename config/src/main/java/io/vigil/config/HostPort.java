package io.vigil.config;

import java.util.Objects;

/**
 * A {@code host:port} address as written in Patroni's {@code listen} and {@code connect_address} keys.
 * The host is kept without IPv6 brackets; {@code ""} (from {@code :port}) and {@code *} mean "all
 * interfaces" to the server that binds it.
 */
public record HostPort(String host, int port) {

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range 1-65535: " + port);
        }
    }

    /**
     * Parses {@code host:port}, {@code [v6]:port}, {@code *:port} or {@code :port}. A comma-separated
     * host list ({@code a,b:port}, PostgreSQL's listen_addresses form) yields its first host.
     *
     * @throws ConfigException naming {@code keyPath} when the value is not an address
     */
    public static HostPort parse(String keyPath, String value) {
        String text = value == null ? "" : value.strip();
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw invalid(keyPath, value);
        }
        String hosts = text.substring(0, colon);
        String firstHost = hosts.split(",", -1)[0].strip();
        if (firstHost.startsWith("[") != firstHost.endsWith("]")) {
            throw invalid(keyPath, value);
        }
        if (firstHost.startsWith("[")) {
            firstHost = firstHost.substring(1, firstHost.length() - 1);
        }
        String portText = text.substring(colon + 1);
        if (portText.isEmpty() || !portText.chars().allMatch(Character::isDigit) || portText.length() > 5) {
            throw invalid(keyPath, value);
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new ConfigException(keyPath, "port must be 1-65535, got \"" + value + "\"");
        }
        return new HostPort(firstHost, port);
    }

    /** {@code host:port}, with an IPv6 host in brackets so that the result parses again. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static ConfigException invalid(String keyPath, String value) {
        return new ConfigException(keyPath, "expected host:port, got \"" + value + "\"");
    }
}
