package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:5432        | 127.0.0.1 | 5432 | 127.0.0.1:5432",
        "db.example.com:8008   | db.example.com | 8008 | db.example.com:8008",
        "[::1]:5432            | ::1       | 5432 | [::1]:5432",
        "[fe80::1%eth0]:8008   | fe80::1%eth0 | 8008 | [fe80::1%eth0]:8008",
        "*:5432                | *         | 5432 | *:5432",
        ":8008                 | ''        | 8008 | :8008",
        "10.0.0.1,127.0.0.1:5432 | 10.0.0.1 | 5432 | 10.0.0.1:5432",
        "'  127.0.0.1:5432 '   | 127.0.0.1 | 5432 | 127.0.0.1:5432",
    })
    void parsesPatroniAddressForms(String value, String host, int port, String printed) {
        HostPort address = HostPort.parse("postgresql.listen", value);

        assertThat(address.host()).isEqualTo(host);
        assertThat(address.port()).isEqualTo(port);
        assertThat(address).hasToString(printed);
        assertThat(HostPort.parse("x", address.toString())).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "127.0.0.1", "127.0.0.1:", "127.0.0.1:x", "[::1]", "[::1:5432", "host:54x2", ""})
    void rejectsValuesWithoutAUsablePort(String value) {
        assertThatThrownBy(() -> HostPort.parse("restapi.listen", value))
                .isInstanceOf(ConfigException.class)
                .hasMessage("restapi.listen: expected host:port, got \"" + value + "\"")
                .extracting(e -> ((ConfigException) e).keyPath()).isEqualTo("restapi.listen");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h:0", "h:65536", "h:99999"})
    void rejectsPortsOutOfRange(String value) {
        assertThatThrownBy(() -> HostPort.parse("postgresql.listen", value))
                .isInstanceOf(ConfigException.class)
                .hasMessage("postgresql.listen: port must be 1-65535, got \"" + value + "\"");
    }
}
