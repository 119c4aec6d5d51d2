package io.vigil.restapi;

import java.util.Objects;

/** {@code restapi.authentication}: the user name and password protecting the write endpoints. */
public record BasicCredentials(String username, String password) {

    public BasicCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /** Keeps the password out of logs that print the configuration. */
    @Override
    public String toString() {
        return "BasicCredentials[username=" + username + ", password=***]";
    }
}
