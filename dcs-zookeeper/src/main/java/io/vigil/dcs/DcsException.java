package io.vigil.dcs;

/**
 * A coordination-store operation failed (no server answered in time, or the server refused it).
 * The message is always a single line so it can go straight into a decision record.
 */
public final class DcsException extends Exception {
    private static final long serialVersionUID = 1L;

    public DcsException(String message) {
        super(oneLine(message));
    }

    public DcsException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String message) {
        return message == null ? "DCS error" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
