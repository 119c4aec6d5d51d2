package io.vigil.restapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowlistTest {

    @Test
    void addressesAndNetworksAsPatroniReadsThem() {
        Allowlist list = Allowlist.of(List.of("192.0.2.1", "10.1.2.3/16", "2001:db8::/32", "[::1]"), false, List::of);
        assertThat(list.admits("192.0.2.1")).isTrue();
        assertThat(list.admits("192.0.2.2")).isFalse();
        assertThat(list.admits("10.1.200.9")).as("host bits in a CIDR are ignored, as strict=False").isTrue();
        assertThat(list.admits("10.2.0.1")).isFalse();
        assertThat(list.admits("2001:db8:1::7")).isTrue();
        assertThat(list.admits("2001:db9::1")).isFalse();
        assertThat(list.admits("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(list.admits("not-an-address")).isFalse();
        assertThat(Allowlist.of(List.of("192.0.2.0/25"), false, List::of).admits("192.0.2.128")).isFalse();
        assertThat(Allowlist.OPEN.admits("203.0.113.9")).isTrue();
    }

    @Test
    void hostNamesAreResolved() {
        Allowlist list = Allowlist.of(List.of("localhost"), false, List::of);
        assertThat(list.admits("127.0.0.1")).isTrue();
        assertThat(list.admits("192.0.2.1")).isFalse();
    }

    @Test
    void membersComeFromTheirApiUrls() {
        Allowlist list = Allowlist.of(List.of(), true, () -> List.of("https://[::1]:8008/patroni",
                "http://127.0.0.2:8008/patroni", "not a url", "https://no-such-host.invalid:8008/patroni"));
        assertThat(list.admits("127.0.0.2")).isTrue();
        assertThat(list.admits("::1")).isTrue();
        assertThat(list.admits("127.0.0.3")).isFalse();
        assertThat(Allowlist.of(List.of(), true, List::of).admits("127.0.0.1")).as("no members: nobody").isFalse();
    }

    @Test
    void anEntryThatIsNoAddressNetworkOrResolvableHostIsRefused() {
        for (String bad : List.of("10.0.0.0/33", "300.1.1.1", "10.0.0.1/x", "no-such-host.invalid", "host/24")) {
            assertThatThrownBy(() -> Allowlist.of(List.of(bad), false, List::of))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("restapi.allowlist: \"" + bad
                            + "\" is neither an IP address, a CIDR nor a host name that resolves");
        }
    }
}
