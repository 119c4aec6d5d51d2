package io.vigil.restapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Expected values are those of Patroni 3.0.2's utils.parse_int(value, 'B'). */
class LagTest {

    @ParameterizedTest(name = "\"{0}\" is {1} bytes")
    @CsvSource(delimiter = '|', value = {
        "0|0",
        "1024|1024",
        "' 1024 '|1024",
        "1B|1",
        "1kB|1024",
        "1MB|1048576",
        "1 MB|1048576",
        "16MB|16777216",
        "1GB|1073741824",
        "1TB|1099511627776",
        "1.5MB|1572864",
        ".5kB|512",
        "1.0001kB|1024",
        "0x10|16",
        "0x10kB|16384",
        "010|8",
        "+5|5",
        "-1|-1",
        "1e3|1000",
        "0.5|0",
        "1.5|2",
        "2.5|2",
        "9223372036854775807000|9223372036854775807",
        "-9223372036854775807000|-9223372036854775808",
        "1e30MB|9223372036854775807",
    })
    void parsesLikePatroni(String value, long bytes) {
        assertThat(Lag.parse(value)).isEqualTo(OptionalLong.of(bytes));
    }

    @ParameterizedTest(name = "\"{0}\" means no limit")
    @ValueSource(strings = {"", "  ", "abc", "1mb", "1MiB", "1PB", "1EB", "MB", "09", "0x", "1.", "1 2", "1MB junk", "%zz"})
    void unparsableIsAbsent(String value) {
        assertThat(Lag.parse(value)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void nullIsAbsent() {
        assertThat(Lag.parse(null)).isEmpty();
    }
}
