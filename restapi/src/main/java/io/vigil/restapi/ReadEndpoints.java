package io.vigil.restapi;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GET, HEAD and OPTIONS, routed like Patroni 3.0.2: GET picks a specific endpoint by the first path segment
 * ({@code patroni}, {@code cluster}, {@code history}, {@code config}, {@code failsafe}, {@code metrics},
 * {@code liveness}, {@code readiness}); every other GET, and every HEAD and OPTIONS whatever the path, is a
 * health check (spec 5.1). HEAD and OPTIONS answer with the status code only, which is all HAProxy reads.
 */
final class ReadEndpoints {

    private final NodeStatusSource source;
    private final DocumentJson documentJson = new DocumentJson();

    ReadEndpoints(NodeStatusSource source) {
        this.source = source;
    }

    RestResponse respond(String method, String path, Map<String, List<String>> query) {
        if (!"GET".equals(method)) {
            return RestResponse.statusOnly(HealthCheck.status(path, query, source.status()));
        }
        switch (FirstSegment.of(path)) {
            case "patroni":
                return RestResponse.serialisedJson(200, documentJson.of(source.status().document()));
            case "cluster":
                return RestResponse.json(200, source.clusterDocument());
            case "history":
                return RestResponse.json(200, source.historyDocument());
            case "config":
                return jsonOr502(source.configDocument());
            case "failsafe":
                return jsonOr502(source.failsafeDocument());
            case "metrics":
                return new RestResponse(200, PrometheusMetrics.CONTENT_TYPE,
                        PrometheusMetrics.render(source.status()).getBytes(StandardCharsets.UTF_8),
                        Map.of());
            case "liveness":
                return RestResponse.statusOnly(HealthCheck.liveness(source.status()));
            case "readiness":
                return RestResponse.statusOnly(HealthCheck.readiness(source.status()));
            default:
                NodeStatus status = source.status();
                int code = HealthCheck.status(path, query, status);
                return RestResponse.serialisedJson(code, documentJson.of(status.document()));
        }
    }

    private static RestResponse jsonOr502(Optional<Map<String, Object>> document) {
        return document.map(d -> RestResponse.json(200, d)).orElseGet(() -> RestResponse.error(502));
    }
}
