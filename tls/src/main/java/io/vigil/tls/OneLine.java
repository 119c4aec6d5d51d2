package io.vigil.tls;

/** An exception chain as one line, each distinct message once, for errors an operator reads in a log. */
public final class OneLine {

    private OneLine() {
    }

    public static String of(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(message);
            }
        }
        return text.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
