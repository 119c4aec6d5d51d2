package io.vigil.restapi;

/**
 * Patroni routes a request by the first segment of its path ({@code /patroni/x} is {@code GET patroni});
 * leading slashes are skipped, so {@code //cluster} is {@code cluster} too.
 */
final class FirstSegment {

    private FirstSegment() {
    }

    static String of(String path) {
        if (path == null) {
            return "";
        }
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        int end = path.indexOf('/', start);
        return path.substring(start, end < 0 ? path.length() : end);
    }
}
