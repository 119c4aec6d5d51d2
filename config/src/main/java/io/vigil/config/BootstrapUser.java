package io.vigil.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A role of {@code bootstrap.users} (Patroni 3.x): created or altered with {@code LOGIN}, its password and options
 * right after the cluster is initialised, before {@code post_bootstrap} runs.
 *
 * @param options role options as PostgreSQL spells them ({@code CREATEDB}, {@code CONNECTION LIMIT 5}), upper-cased
 */
public record BootstrapUser(String name, String password, List<String> options) {

    /** Keywords, or {@code CONNECTION LIMIT n}: an option is pasted into CREATE ROLE, so nothing else gets through. */
    private static final Pattern OPTION = Pattern.compile("[A-Za-z]+|(?i:connection\\s+limit)\\s+-?[0-9]+");

    public BootstrapUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        options = List.copyOf(options);
    }

    /** Never prints the password: the effective configuration is logged at start. */
    @Override
    public String toString() {
        return "BootstrapUser[name=" + name + ", password=" + (password.isEmpty() ? "<none>" : "<hidden>")
                + ", options=" + options + "]";
    }

    static List<BootstrapUser> from(ConfigNode users) {
        List<BootstrapUser> result = new ArrayList<>();
        for (String name : users.asMap().keySet()) {
            ConfigNode user = users.get(name);
            if (name.isBlank()) {
                throw user.error("expected a role name");
            }
            List<String> options = new ArrayList<>();
            for (String option : user.get("options").asStringList()) {
                String trimmed = option.strip();
                if (!OPTION.matcher(trimmed).matches()) {
                    throw user.get("options").error("expected role options such as createdb or createrole, got \""
                            + option + "\"");
                }
                options.add(trimmed.toUpperCase(Locale.ROOT).replaceAll("\\s+", " "));
            }
            result.add(new BootstrapUser(name, user.get("password").string(""), options));
        }
        return result;
    }
}
