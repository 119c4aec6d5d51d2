package io.vigil.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code restapi} section: where the REST API listens, how peers reach it, and who may use its write endpoints.
 *
 * @param tls                     certfile and the keys that go with it; empty for plain HTTP
 * @param allowlist               {@code allowlist}: IPs, CIDRs and host names as written (resolved by the server)
 * @param allowlistIncludeMembers {@code allowlist_include_members}: also admit the hosts of the members' api_url
 */
public record RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication,
                            Optional<RestApiTls> tls, List<String> allowlist, boolean allowlistIncludeMembers) {

    public RestApiConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(connectAddress, "connectAddress");
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(tls, "tls");
        allowlist = List.copyOf(allowlist);
    }

    /** Plain HTTP, no allowlist. */
    public RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication) {
        this(listen, connectAddress, authentication, Optional.empty(), List.of(), false);
    }

    /** {@code https} when {@code certfile} is set, as the scheme of this member's {@code api_url}. */
    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }

    static RestApiConfig from(ConfigNode restapi) {
        ConfigNode listenNode = restapi.get("listen");
        HostPort listen = HostPort.parse(listenNode.path(), listenNode.requiredString());
        ConfigNode connectNode = restapi.get("connect_address");
        HostPort connect = connectNode.isPresent()
                ? HostPort.parse(connectNode.path(), connectNode.requiredString())
                : listen;
        ConfigNode auth = restapi.get("authentication");
        Optional<Credentials> credentials = auth.isPresent()
                ? Optional.of(Credentials.from(auth))
                : Optional.empty();
        return new RestApiConfig(listen, connect, credentials, RestApiTls.from(restapi), allowlist(restapi.get("allowlist")),
                restapi.get("allowlist_include_members").bool(false));
    }

    private static List<String> allowlist(ConfigNode node) {
        if (!node.isPresent()) {
            return List.of();
        }
        if (node.value() instanceof String single) {
            return single.isBlank() ? List.of() : List.of(single.strip());
        }
        return node.asStringList().stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
