package io.vigil.restapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reference "REST status codes, Patroni 3.0.2" table of patroni-baseline.md, cell for cell, through the
 * same routing the server uses (n1 leader, n2/n3 streaming replicas, not in synchronous mode).
 */
class PatroniStatusMatrixTest {

    private static final String REFERENCE = """
            endpoint             n1     n2     n3
            /patroni             200    200    200
            /cluster             200    200    200
            /history             200    200    200
            /config              200    200    200
            /primary             200    503    503
            /master              200    503    503
            /leader              200    503    503
            /replica             503    200    200
            /read-write          200    503    503
            /read-only           200    200    200
            /standby-leader      503    503    503
            /sync                503    503    503
            /async               503    200    200
            /health              200    200    200
            /liveness            200    200    200
            /readiness           200    200    200
            /metrics             200    200    200
            /replica?lag=1MB     503    200    200
            /asynchronous        503    200    200
            /synchronous         503    503    503
            OPTIONS /primary     200    503    503
            OPTIONS /replica     503    200    200
            """;

    @Test
    void reproducesEveryCell() {
        List<ReadEndpoints> nodes = List.of(
                new ReadEndpoints(new FixedSource(Snapshots.leader())),
                new ReadEndpoints(new FixedSource(Snapshots.replica())),
                new ReadEndpoints(new FixedSource(Snapshots.replica())));
        List<String> rows = REFERENCE.lines().skip(1).toList();
        assertThat(rows).hasSize(22);
        for (String row : rows) {
            String[] cells = row.trim().split("\\s+");
            boolean withMethod = cells.length == 5;
            String method = withMethod ? cells[0] : "GET";
            String uri = cells[withMethod ? 1 : 0];
            for (int node = 0; node < 3; node++) {
                int expected = Integer.parseInt(cells[cells.length - 3 + node]);
                assertThat(respond(nodes.get(node), method, uri).status())
                        .as("%s %s on n%d", method, uri, node + 1)
                        .isEqualTo(expected);
            }
        }
    }

    static RestResponse respond(ReadEndpoints endpoints, String method, String uri) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        return endpoints.respond(method, path, QueryString.parse(q < 0 ? null : uri.substring(q + 1)));
    }
}
