package io.vigil.dcs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Znode value encoding, exactly as Patroni writes and tolerantly as Patroni reads: compact JSON, any valid
 * JSON accepted, garbage degrading to empty values instead of failing the cluster read.
 */
final class WireFormat {
    /**
     * Compact output like Python's {@code json.dumps(separators=(',', ':'))}; non-ASCII escaped like its
     * default {@code ensure_ascii}; integers read as Long so every number in a view has one type; trailing
     * garbage rejected like {@code json.loads}.
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private WireFormat() {
    }

    static byte[] compactJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String text(byte[] data) {
        return data == null ? "" : new String(data, StandardCharsets.UTF_8);
    }

    /** Any JSON value, or empty when the bytes are not valid JSON. */
    static Optional<Object> parse(byte[] data) {
        if (data == null || data.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readValue(data, Object.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A JSON object, or an empty map for garbage and non-objects. */
    static Map<String, Object> parseObject(byte[] data) {
        return parse(data).filter(Map.class::isInstance).map(JsonValues::stringKeyed)
                .<Map<String, Object>>map(LinkedHashMap::new).orElseGet(Map::of);
    }

    static MemberNode member(String name, byte[] data, long session) {
        String value = text(data);
        Map<String, Object> parsed = value.startsWith("postgres") ? legacyMember(value) : parseObject(data);
        return new MemberNode(name, parsed, session);
    }

    /**
     * Pre-JSON "governor" member value {@code postgres://u:p@h:port/db?application_name=<api_url>}: conn_url is
     * the URL without its query, api_url the application_name parameter (Patroni's {@code Member.from_node}).
     */
    private static Map<String, Object> legacyMember(String value) {
        Map<String, Object> data = new LinkedHashMap<>();
        int query = value.indexOf('?');
        data.put("conn_url", query < 0 ? value : value.substring(0, query));
        if (query >= 0) {
            for (String param : value.substring(query + 1).split("&")) {
                if (param.startsWith("application_name=")) {
                    data.put("api_url", unquotePlus(param.substring("application_name=".length())));
                }
            }
        }
        return data;
    }

    /**
     * Python's {@code unquote_plus} as Patroni's {@code parse_qs} applies it: {@code +} is a space, a malformed
     * escape such as {@code %zz} stays as written, and bytes that are not UTF-8 become U+FFFD. (URLDecoder throws
     * on a malformed escape, which made one odd member value fail the whole cluster read.)
     */
    private static String unquotePlus(String text) {
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream decoded = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            int hi = i + 2 < raw.length && raw[i] == '%' ? Character.digit(raw[i + 1], 16) : -1;
            int lo = hi >= 0 ? Character.digit(raw[i + 2], 16) : -1;
            if (lo >= 0) {
                decoded.write(hi * 16 + lo);
                i += 2;
            } else {
                decoded.write(raw[i] == '+' ? ' ' : raw[i]);
            }
        }
        return decoded.toString(StandardCharsets.UTF_8);
    }

    static ConfigNode config(byte[] data, int version) {
        return new ConfigNode(parseObject(data), version);
    }

    static LeaderNode leader(byte[] data, long owner, int version) {
        return new LeaderNode(text(data), owner, version);
    }

    /** {@code status} = {@code {"optime": N, ...}}; unknown fields ignored. */
    static OptionalLong statusOptime(byte[] data) {
        return JsonValues.integer(parseObject(data).get("optime"));
    }

    /**
     * {@code status.slots}: slot name to LSN as the leader published them (1.5); entries that are not integers are
     * left out, anything else than an object reads as none.
     */
    static Map<String, Long> statusSlots(byte[] data) {
        Map<String, Long> out = new java.util.TreeMap<>();
        if (parseObject(data).get("slots") instanceof Map<?, ?> slots) {
            slots.forEach((name, lsn) -> JsonValues.integer(lsn).ifPresent(v -> out.put(String.valueOf(name), v)));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** Legacy {@code optime/leader} = plain decimal integer. */
    static OptionalLong legacyOptime(byte[] data) {
        return JsonValues.integer(text(data));
    }

    /** JSON array of arrays; anything else reads as no entries. */
    static List<List<Object>> history(byte[] data) {
        Optional<Object> parsed = parse(data);
        if (parsed.isEmpty() || !(parsed.get() instanceof List<?> lines)) {
            return List.of();
        }
        return lines.stream().filter(List.class::isInstance).map(l -> JsonValues.freezeList((List<?>) l)).toList();
    }

    /**
     * JSON object with {@code leader}/{@code member}/{@code scheduled_at}, or Patroni's legacy plain text
     * {@code "leader:candidate"}. Without a leader or member nothing is pending ({@code "{}"} clears it).
     */
    /**
     * The {@code failsafe} znode: a JSON object of member name to REST API URL. Anything else (not JSON, not an
     * object, a value that is not a string) reads as absent, never as an exception.
     */
    public static Optional<Map<String, String>> failsafe(byte[] data) {
        Optional<Object> parsed;
        try {
            parsed = parse(data);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (parsed.isEmpty() || !(parsed.get() instanceof Map<?, ?> map)) {
            return Optional.empty();
        }
        Map<String, String> out = new java.util.TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof String v)) {
                return Optional.empty();
            }
            out.put(k, v);
        }
        return Optional.of(out);
    }

    static Optional<FailoverNode> failover(byte[] data, int version) {
        Optional<Object> parsed = parse(data);
        Optional<String> leader;
        Optional<String> member;
        Optional<String> scheduledAt = Optional.empty();
        if (parsed.isPresent()) {
            Map<String, ?> object = JsonValues.stringKeyed(parsed.get());
            leader = nonEmptyString(object.get("leader"));
            member = nonEmptyString(object.get("member"));
            scheduledAt = nonEmptyString(object.get("scheduled_at"));
        } else {
            String value = text(data).strip();
            String[] parts = value.split(":", -1);
            if (parts.length != 2 || value.startsWith("{") || value.startsWith("[")) {
                return Optional.empty();
            }
            leader = nonEmptyString(parts[0].strip());
            member = nonEmptyString(parts[1].strip());
        }
        if (leader.isEmpty() && member.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FailoverNode(leader, member, scheduledAt, version));
    }

    private static Optional<String> nonEmptyString(Object value) {
        return JsonValues.string(value).filter(s -> !s.isEmpty());
    }
}
