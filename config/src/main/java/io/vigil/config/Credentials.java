package io.vigil.config;

import java.util.Objects;

/** A user name and password; the password is {@code ""} when none is configured. */
public record Credentials(String username, String password) {

    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /** Keeps passwords out of logs, since the effective configuration is logged at start. */
    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=" + (password.isEmpty() ? "<none>" : "<hidden>") + "]";
    }

    static Credentials from(ConfigNode node) {
        return new Credentials(node.get("username").requiredString(), node.get("password").string(""));
    }

    static Credentials from(ConfigNode node, String defaultUsername) {
        return new Credentials(node.get("username").string(defaultUsername), node.get("password").string(""));
    }
}
