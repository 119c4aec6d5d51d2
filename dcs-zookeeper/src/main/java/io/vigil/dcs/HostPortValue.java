package io.vigil.dcs;

import java.util.Objects;
import java.util.Optional;

/** A network endpoint; the host is stored without IPv6 brackets. */
public record HostPortValue(String host, int port) {
    static final int POSTGRES_DEFAULT_PORT = 5432;

    public HostPortValue {
        Objects.requireNonNull(host, "host");
    }

    /**
     * Parses a Patroni {@code conn_url} such as {@code postgres://10.0.0.1:5432/postgres} or
     * {@code postgres://user:pw@[::1]:5433/db?x=y}. The port defaults to 5432 like libpq's. Hand-written
     * instead of {@link java.net.URI} because URI rejects host names that libpq accepts (e.g. underscores).
     */
    public static Optional<HostPortValue> fromConnUrl(String url) {
        if (url == null) {
            return Optional.empty();
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return Optional.empty();
        }
        String rest = url.substring(scheme + 3);
        int end = indexOfAny(rest, "/?");
        String authority = end < 0 ? rest : rest.substring(0, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        String host;
        String port = "";
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (after.startsWith(":")) {
                port = after.substring(1);
            } else if (!after.isEmpty()) {
                return Optional.empty();
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? "" : authority.substring(colon + 1);
        }
        if (host.isEmpty()) {
            return Optional.empty();
        }
        return parsePort(port).map(p -> new HostPortValue(host, p));
    }

    static Optional<Integer> parsePort(String port) {
        if (port == null || port.isEmpty()) {
            return Optional.of(POSTGRES_DEFAULT_PORT);
        }
        try {
            int p = Integer.parseInt(port.strip());
            return p > 0 && p <= 65535 ? Optional.of(p) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
