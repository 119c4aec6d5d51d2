package io.vigil.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads YAML the way Patroni does: one file, or every {@code *.yml}/{@code *.yaml} file of a directory
 * merged in name order (later files win). Jackson's YAML parser follows YAML 1.1 like PyYAML, so
 * unquoted {@code on}/{@code off}/{@code yes}/{@code no} are booleans here too.
 */
final class YamlReader {

    private static final YAMLMapper MAPPER = new YAMLMapper();
    private static final YAMLMapper STRICT = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Logger LOG = LoggerFactory.getLogger(YamlReader.class);

    private YamlReader() {
    }

    static Map<String, Object> readPath(Path path) {
        if (Files.isDirectory(path)) {
            Map<String, Object> merged = new LinkedHashMap<>();
            for (Path file : yamlFilesIn(path)) {
                ConfigMaps.deepMerge(merged, readFile(file));
            }
            return merged;
        }
        if (!Files.exists(path)) {
            throw ConfigException.inSource(path.toString(), "no such file", null);
        }
        return readFile(path);
    }

    /** Parses a whole configuration document; an empty document is an empty mapping. */
    static Map<String, Object> parseDocument(String source, String text) {
        Object tree = parse(source, text);
        duplicateKey(source, text).ifPresent(LOG::warn);
        if (tree == null) {
            return new LinkedHashMap<>();
        }
        if (tree instanceof Map<?, ?> map) {
            return ConfigMaps.mutableCopy(map);
        }
        throw ConfigException.inSource(source, "expected a YAML mapping at the top level, got "
                + ConfigNode.describe(tree), null);
    }

    /** Parses any YAML value (used for list- and map-valued environment variables); null if empty. */
    static Object parse(String source, String text) {
        try (JsonParser parser = MAPPER.createParser(text)) {
            if (parser.nextToken() == null) {
                return null;
            }
            return MAPPER.readValue(parser, Object.class);
        } catch (JsonProcessingException e) {
            throw invalidYaml(source, e);
        } catch (IOException e) {
            throw ConfigException.inSource(source, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * PyYAML, and so Patroni, lets a key repeated in the same mapping silently replace the earlier one (a second
     * {@code parameters:} section drops the first). Vigil reads it the same way but names the first repeated key.
     *
     * @return the warning, empty when no key repeats
     */
    static Optional<String> duplicateKey(String source, String text) {
        try (JsonParser parser = STRICT.createParser(text)) {
            while (parser.nextToken() != null) {
                // duplicate detection happens while the tokens stream by
            }
            return Optional.empty();
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String original = e.getOriginalMessage();
            if (original == null || !original.startsWith("Duplicate field")) {
                return Optional.empty();
            }
            return Optional.of(source + (at != null ? " line " + at.getLineNr() : "") + ": "
                    + original.replace("Duplicate field", "the key") + " appears twice in the same mapping; the later "
                    + "one replaces the earlier, as with Patroni");
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Map<String, Object> readFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw ConfigException.inSource(file.toString(), "cannot read: " + e.getMessage(), e);
        }
        return parseDocument(file.toString(), text);
    }

    private static List<Path> yamlFilesIn(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries
                    .filter(p -> p.getFileName().toString().endsWith(".yml") || p.getFileName().toString().endsWith(".yaml"))
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw ConfigException.inSource(dir.toString(), "cannot list directory: " + e.getMessage(), e);
        }
    }

    // Jackson's wrapper is deprecated, but it is the only way to reach SnakeYAML's problem text and
    // mark without compiling against SnakeYAML itself.
    @SuppressWarnings("deprecation")
    private static ConfigException invalidYaml(String source, JsonProcessingException e) {
        if (e instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            return ConfigException.inSource(source, String.format("invalid YAML at line %d column %d: %s",
                    marked.getProblemMark().getLine() + 1, marked.getProblemMark().getColumn() + 1,
                    marked.getProblem()), e);
        }
        JsonLocation where = e.getLocation();
        String problem = e.getOriginalMessage().lines().findFirst().orElse("unreadable");
        return where == null
                ? ConfigException.inSource(source, "invalid YAML: " + problem, e)
                : ConfigException.inSource(source, String.format("invalid YAML at line %d column %d: %s",
                        where.getLineNr(), where.getColumnNr(), problem), e);
    }
}
