package io.vigil.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code log.dir}, {@code log.file_num} and {@code log.file_size}: Patroni then writes {@code patroni.log} in that
 * directory, rotated at {@code file_size} bytes with {@code file_num} older files kept, instead of standard error.
 */
public record LogFileConfig(Path dir, int fileNum, long fileSize) {

    /** Patroni's defaults: 4 old files of 25,000,000 bytes. */
    static final int DEFAULT_FILE_NUM = 4;
    static final long DEFAULT_FILE_SIZE = 25_000_000L;

    static Optional<LogFileConfig> from(ConfigNode log) {
        Optional<String> dir = log.get("dir").optionalString().filter(d -> !d.isBlank());
        int fileNum = log.get("file_num").integer(DEFAULT_FILE_NUM);
        long fileSize = log.get("file_size").longInteger(DEFAULT_FILE_SIZE);
        if (fileNum < 0) {
            throw log.get("file_num").error("expected 0 or more files, got " + fileNum);
        }
        if (fileSize <= 0) {
            throw log.get("file_size").error("expected a size in bytes above 0, got " + fileSize);
        }
        return dir.map(d -> new LogFileConfig(Path.of(d), fileNum, fileSize));
    }
}
