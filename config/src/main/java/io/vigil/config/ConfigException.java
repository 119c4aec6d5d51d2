package io.vigil.config;

/**
 * A configuration value that Vigil cannot use. The message is one line, prefixed with the dotted key
 * path (or with the file when the whole file is unreadable), so an operator can fix it without
 * reading a stack trace.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String keyPath;

    public ConfigException(String keyPath, String problem) {
        this(keyPath, keyPath + ": " + problem, null);
    }

    private ConfigException(String keyPath, String message, Throwable cause) {
        super(oneLine(message), cause);
        this.keyPath = keyPath;
    }

    // Keys and parser messages quote the offending text, which can hold line breaks (SnakeYAML prints the
    // unexpected character itself); escaped, the message stays one line in the log and on the terminal.
    private static String oneLine(String message) {
        return message.replace("\r", "\\r").replace("\n", "\\n");
    }

    /** An error about a whole source (file, directory, environment variable) rather than one key. */
    static ConfigException inSource(String source, String problem, Throwable cause) {
        return new ConfigException("", source + ": " + problem, cause);
    }

    /** The dotted path of the offending key, e.g. {@code postgresql.listen}; empty for source errors. */
    public String keyPath() {
        return keyPath;
    }
}
