package io.vigil.restapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.UncheckedIOException;
import java.time.temporal.TemporalAccessor;

/** Compact JSON for response bodies; one shared, thread-safe mapper. */
final class Json {

    // Patroni serialises with default=str; the same fallback for java.time values avoids failing a whole
    // status document because the agent put an Instant in it instead of a preformatted string.
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(
            new SimpleModule("vigil-rest").addSerializer(TemporalAccessor.class, ToStringSerializer.instance));

    private Json() {
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise response body: " + e.getOriginalMessage(), e);
        }
    }
}
