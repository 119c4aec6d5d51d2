package io.vigil.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** File paths in the configuration (certificates, keys, CA bundles), checked when the configuration is read. */
final class ConfigFiles {

    private ConfigFiles() {
    }

    /** The path {@code node} names, empty when unset or blank; an error naming the key when it is not a readable file. */
    static Optional<Path> readable(ConfigNode node) {
        Optional<String> text = node.optionalString().filter(s -> !s.isBlank());
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(text.get());
        if (!Files.isRegularFile(path)) {
            throw node.error("no such file: " + path);
        }
        if (!Files.isReadable(path)) {
            throw node.error("file not readable: " + path);
        }
        return Optional.of(path);
    }
}
