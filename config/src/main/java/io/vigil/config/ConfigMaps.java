package io.vigil.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Copying and merging of the untyped YAML/JSON trees (maps, lists and scalars). */
final class ConfigMaps {

    private ConfigMaps() {
    }

    /**
     * Patroni's patch_config: mappings merge key by key, a null value deletes the key, anything else
     * replaces. Used for directory merges and for environment overrides.
     */
    static void deepMerge(Map<String, Object> target, Map<String, Object> patch) {
        for (Map.Entry<String, Object> entry : patch.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            if (value == null) {
                target.remove(key);
            } else if (value instanceof Map<?, ?> patchMap && target.get(key) instanceof Map<?, ?> existing) {
                Map<String, Object> merged = mutableCopy(existing);
                deepMerge(merged, stringKeyed(patchMap));
                target.put(key, merged);
            } else {
                target.put(key, mutableCopyOf(value));
            }
        }
    }

    static Map<String, Object> mutableCopy(Map<?, ?> source) {
        Map<String, Object> copy = new LinkedHashMap<>();
        source.forEach((key, value) -> copy.put(String.valueOf(key), mutableCopyOf(value)));
        return copy;
    }

    /** A deep, unmodifiable copy that keeps key order and null values (JSON null is meaningful). */
    static Map<String, Object> immutableCopy(Map<?, ?> source) {
        Map<String, Object> copy = new LinkedHashMap<>();
        source.forEach((key, value) -> copy.put(String.valueOf(key), immutableCopyOf(value)));
        return Collections.unmodifiableMap(copy);
    }

    /** An unmodifiable copy that keeps the order (of parameters, for readable output) and refuses nulls. */
    static Map<String, String> immutableStrings(Map<String, String> source) {
        Map<String, String> copy = new LinkedHashMap<>();
        source.forEach((key, value) -> copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key)));
        return Collections.unmodifiableMap(copy);
    }

    /** Keys of parsed YAML/JSON are always strings; this only makes the type say so. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> stringKeyed(Map<?, ?> map) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                return mutableCopy(map);
            }
        }
        return (Map<String, Object>) map;
    }

    private static Object mutableCopyOf(Object value) {
        if (value instanceof Map<?, ?> map) {
            return mutableCopy(map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(mutableCopyOf(item)));
            return copy;
        }
        return value;
    }

    private static Object immutableCopyOf(Object value) {
        if (value instanceof Map<?, ?> map) {
            return immutableCopy(map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(immutableCopyOf(item)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
