package io.vigil.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code restapi} section: where the REST API listens, how peers reach it, and who may use its write endpoints.
 *
 * @param tls                     certfile and the keys that go with it; empty for plain HTTP
 * @param allowlist               {@code allowlist}: IPs, CIDRs and host names as written (resolved by the server)
 * @param allowlistIncludeMembers {@code allowlist_include_members}: also admit the hosts of the members' api_url
 */
public record RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication,
                            Optional<RestApiTls> tls, List<String> allowlist, boolean allowlistIncludeMembers,
                            Map<String, String> extraHeaders, OptionalInt requestQueueSize) {

    /** Plain HTTP or HTTPS with no extra response headers and the default accept queue. */
    public RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication,
                         Optional<RestApiTls> tls, List<String> allowlist, boolean allowlistIncludeMembers) {
        this(listen, connectAddress, authentication, tls, allowlist, allowlistIncludeMembers, Map.of(),
                OptionalInt.empty());
    }

    public RestApiConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(connectAddress, "connectAddress");
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(tls, "tls");
        allowlist = List.copyOf(allowlist);
        extraHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(extraHeaders));
        Objects.requireNonNull(requestQueueSize, "requestQueueSize");
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
        Optional<RestApiTls> tls = RestApiTls.from(restapi);
        Map<String, String> headers = new LinkedHashMap<>(headers(restapi.get("http_extra_headers")));
        if (tls.isPresent()) {
            headers.putAll(headers(restapi.get("https_extra_headers")));
        }
        ConfigNode queue = restapi.get("request_queue_size");
        if (queue.isPresent() && queue.integer(0) < 1) {
            throw queue.error("expected a positive integer, got " + ConfigNode.describe(queue.value()));
        }
        return new RestApiConfig(listen, connect, credentials, tls, allowlist(restapi.get("allowlist")),
                restapi.get("allowlist_include_members").bool(false), headers,
                queue.isPresent() ? OptionalInt.of(queue.integer(0)) : OptionalInt.empty());
    }

    /** Patroni's {@code http_extra_headers} / {@code https_extra_headers}: header name to value, sent on every answer. */
    private static Map<String, String> headers(ConfigNode section) {
        Map<String, String> headers = new LinkedHashMap<>();
        section.asMap().forEach((name, value) -> {
            String text = section.get(name).optionalString().orElse("");
            if (name.isBlank() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')
                    || text.chars().anyMatch(c -> c == '\r' || c == '\n')) {
                throw section.get(name).error("expected an HTTP header name and a one-line value");
            }
            headers.put(name, text);
        });
        return headers;
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
