package io.vigil.restapi;

import java.util.Map;

/**
 * The serialised {@code /patroni} document of the latest snapshot. Health checks return that document on
 * every GET, often several times per second per load balancer, while the snapshot changes once per HA
 * cycle; serialising once per snapshot keeps a probe at a lookup and a copy.
 */
final class DocumentJson {

    private record Serialised(Map<String, Object> document, byte[] json) {
    }

    private volatile Serialised last;

    byte[] of(Map<String, Object> document) {
        Serialised cached = last;
        // Identity, not equality: each NodeStatus owns a fresh frozen copy of its document.
        if (cached != null && cached.document == document) {
            return cached.json;
        }
        byte[] json = Json.write(document);
        last = new Serialised(document, json);
        return json;
    }
}
