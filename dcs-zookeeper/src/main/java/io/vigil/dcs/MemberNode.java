package io.vigil.dcs;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One {@code members/<name>} znode: what a member last published about itself.
 *
 * @param name    member name (the znode name)
 * @param data    parsed JSON object; garbage gives an empty map (the member is still listed, as in Patroni)
 * @param session the ZooKeeper session owning the ephemeral znode
 */
public record MemberNode(String name, Map<String, Object> data, long session) {
    public MemberNode {
        Objects.requireNonNull(name, "name");
        data = JsonValues.freezeMap(data);
    }

    /** {@code master} (Patroni 3), {@code primary} (Patroni 4), {@code replica}, {@code standby_leader}, ... */
    public Optional<String> role() {
        return JsonValues.string(data.get("role"));
    }

    public Optional<String> state() {
        return JsonValues.string(data.get("state"));
    }

    /** WAL position as an absolute byte LSN. */
    public OptionalLong xlogLocation() {
        return JsonValues.integer(data.get("xlog_location"));
    }

    public OptionalInt timeline() {
        OptionalLong tli = JsonValues.integer(data.get("timeline"));
        return tli.isPresent() && tli.getAsLong() >= 0 && tli.getAsLong() <= Integer.MAX_VALUE
                ? OptionalInt.of((int) tli.getAsLong()) : OptionalInt.empty();
    }

    /** URL of the member's {@code /patroni} status endpoint. */
    public Optional<String> apiUrl() {
        return JsonValues.string(data.get("api_url"));
    }

    public Optional<String> connUrl() {
        return JsonValues.string(data.get("conn_url"));
    }

    public Map<String, Object> tags() {
        Object tags = data.get("tags");
        return tags instanceof Map<?, ?> ? JsonValues.freezeMap(JsonValues.stringKeyed(tags)) : Map.of();
    }

    /** Whether a boolean tag such as {@code nofailover} or {@code nosync} is set (absent = false). */
    public boolean tagTrue(String tag) {
        return JsonValues.truthy(tags().get(tag));
    }

    /** The member may not be promoted: tagged {@code nofailover}, or a {@code failover_priority} of 0 or less. */
    public boolean nofailover() {
        return FailoverTags.nofailover(tags());
    }

    /**
     * PostgreSQL host and port, from {@code conn_url}, else from {@code conn_kwargs} (written by other DCS
     * back-ends and Kubernetes deployments of Patroni).
     */
    public Optional<HostPortValue> pgAddress() {
        Optional<HostPortValue> fromUrl = connUrl().flatMap(HostPortValue::fromConnUrl);
        if (fromUrl.isPresent()) {
            return fromUrl;
        }
        Map<String, ?> kwargs = JsonValues.stringKeyed(data.get("conn_kwargs"));
        Optional<String> host = JsonValues.string(kwargs.get("host")).filter(h -> !h.isBlank());
        Object port = kwargs.get("port");
        return host.flatMap(h -> HostPortValue.parsePort(port == null ? null : String.valueOf(port))
                .map(p -> new HostPortValue(h, p)));
    }
}
