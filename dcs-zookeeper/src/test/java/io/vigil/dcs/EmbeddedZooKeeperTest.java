package io.vigil.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedZooKeeperTest {
    @TempDir
    Path dir;

    @Test
    void startsOnAFreePortAndServesAnAgent() throws Exception {
        try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(dir, 0)) {
            assertThat(server.connectString()).matches("127\\.0\\.0\\.1:\\d+");
            int port = Integer.parseInt(server.connectString().substring("127.0.0.1:".length()));
            assertThat(port).isPositive().isNotEqualTo(2181);

            try (ZooKeeperDcs dcs = ZooKeeperDcs.connect(new ZooKeeperDcsSettings(server.connectString(),
                    "/service/demo", "node1", 30, 10, 10))) {
                await().atMost(Duration.ofSeconds(20)).until(() -> dcs.health() == DcsHealth.CONNECTED);
                dcs.touchMember(Map.of("state", "running"));
                assertThat(dcs.attemptLeader()).isTrue();

                ClusterView view = dcs.read();

                assertThat(view.isLockedBy("node1")).isTrue();
                assertThat(view.leaderMember().orElseThrow().state()).contains("running");
            }
        }
        assertThat(dir.resolve("data")).isDirectory();
    }
}
