package io.vigil.restapi;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An authenticated request to a write endpoint, detached from the HTTP library.
 *
 * @param path          raw request path, e.g. {@code /switchover}
 * @param query         decoded query parameters
 * @param headers       request headers, first value per name; looked up case-insensitively
 * @param body          request body, empty when none was sent; must not be modified
 * @param clientAddress IP address of the client
 */
public record WriteRequest(
        String method,
        String path,
        Map<String, List<String>> query,
        Map<String, String> headers,
        byte[] body,
        String clientAddress) {

    public WriteRequest {
        query = query == null ? Map.of() : query;
        TreeMap<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            caseInsensitive.putAll(headers);
        }
        headers = Collections.unmodifiableMap(caseInsensitive);
        body = body == null ? new byte[0] : body;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** Patroni answers 411 when a JSON body is required but no Content-Length was sent. */
    public boolean hasContentLength() {
        return headers.containsKey("Content-Length");
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
