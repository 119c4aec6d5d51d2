package io.vigil.restapi;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One protected, state-changing endpoint such as {@code new WriteEndpoint("POST", "/switchover", handler)}.
 * Like Patroni, routing uses the first path segment only, so {@code /switchover/anything} reaches the same
 * handler. Every write endpoint goes through the access check (Basic auth) before its handler runs.
 *
 * @param method {@code POST}, {@code PUT}, {@code PATCH} or {@code DELETE}
 * @param path   a single segment with its leading slash, e.g. {@code /switchover}
 */
public record WriteEndpoint(String method, String path, WriteHandler handler) {

    private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");

    public WriteEndpoint {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(handler, "handler");
        method = method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("write endpoints use POST, PUT, PATCH or DELETE, not " + method);
        }
        if (!path.matches("/[^/?#\\s]+")) {
            throw new IllegalArgumentException("write endpoint path must be one segment like /switchover: " + path);
        }
    }

    String segment() {
        return path.substring(1);
    }
}
