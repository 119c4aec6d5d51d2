package io.vigil.restapi;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpStatus;

/**
 * A complete response, independent of the HTTP library, so that endpoint logic (including the agent's
 * write endpoints) can be written and tested without a server. The body must not be modified.
 *
 * @param contentType null for status-only responses
 */
public record RestResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json";
    static final String HTML = "text/html; charset=utf-8";
    static final String PLAIN = "text/plain; charset=utf-8";
    private static final byte[] EMPTY = new byte[0];

    public RestResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status code: " + status);
        }
        body = body == null ? EMPTY : body;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** JSON body, serialised compactly. */
    public static RestResponse json(int status, Object value) {
        return new RestResponse(status, JSON, Json.write(value), Map.of());
    }

    /** A plain message such as {@code reload scheduled}; Patroni sends these as {@code text/html}. */
    public static RestResponse text(int status, String message) {
        return new RestResponse(status, HTML, utf8(message), Map.of());
    }

    /** Status line only, as Patroni answers HEAD, OPTIONS, {@code /liveness} and {@code /readiness}. */
    public static RestResponse statusOnly(int status) {
        return new RestResponse(status, null, EMPTY, Map.of());
    }

    /** The small HTML error page of Python's {@code send_error}, with the standard reason phrase. */
    public static RestResponse error(int status) {
        return error(status, HttpStatus.getMessage(status));
    }

    /** The small HTML error page of Python's {@code send_error}. */
    public static RestResponse error(int status, String message) {
        String page = "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<title>Error response</title>\n</head>\n<body>\n<h1>Error response</h1>\n"
                + "<p>Error code: " + status + "</p>\n<p>Message: " + escapeHtml(message) + ".</p>\n"
                + "</body>\n</html>\n";
        return new RestResponse(status, HTML, utf8(page), Map.of());
    }

    /** A copy with one more response header. */
    public RestResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new RestResponse(status, contentType, body, more);
    }

    static RestResponse serialisedJson(int status, byte[] serialised) {
        return new RestResponse(status, JSON, serialised, Map.of());
    }

    static RestResponse plain(int status, String body) {
        return new RestResponse(status, PLAIN, utf8(body), Map.of());
    }

    private static byte[] utf8(String text) {
        return text == null ? EMPTY : text.getBytes(StandardCharsets.UTF_8);
    }

    private static String escapeHtml(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
