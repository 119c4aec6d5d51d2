package io.vigil.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Issue 13, bad input: one unreachable server in the connection string is named in one line, and only once. */
class ServerReachabilityTest {
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ServerReachability.class);

    private Level level;

    @BeforeEach
    void capture() {
        level = logger.getLevel();
        logger.setLevel(Level.INFO);
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
        logger.setLevel(level);
    }

    private List<String> lines() {
        return logged.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void anAgentWithOneDeadServerOfTwoWorksAndNamesTheDeadOneOnce() throws Exception {
        int dead = closedPort();
        try (ZooKeeperFixture zk = new ZooKeeperFixture("reach")) {
            String hosts = "127.0.0.1:" + dead + "," + zk.server.getConnectString();
            ZooKeeperDcs dcs = zk.agent(new ZooKeeperDcsSettings(hosts, zk.base, "node1", 30, 10, 10));
            await().atMost(Duration.ofSeconds(20)).until(() -> dcs.health() == DcsHealth.CONNECTED);
            dcs.touchMember(Map.of("state", "running"));
            assertThat(zk.exists("members/node1")).isTrue();

            await().atMost(Duration.ofSeconds(10)).until(() -> !lines().isEmpty());
            // the connect changed the connection's state, which checks again: same reason, no second line
            assertThat(lines()).containsExactly("WARN ZooKeeper server 127.0.0.1:" + dead
                    + " (zookeeper.hosts) cannot be reached: Connection refused; 1 of 2 servers answer");
        }
    }

    @Test
    void anUnknownHostIsNamedAndAServerThatComesBackIsSaidToBeBack() throws Exception {
        int late = closedPort();
        String hosts = "no-such-host.invalid:2181,127.0.0.1:" + late + "/chroot";
        try (ServerReachability reach = new ServerReachability(hosts, 1000, 200)) {
            await().atMost(Duration.ofSeconds(10)).until(this::lines, l -> l.size() == 2);
            assertThat(lines()).containsExactlyInAnyOrder(
                    "WARN ZooKeeper server no-such-host.invalid:2181 (zookeeper.hosts) cannot be reached: unknown host"
                            + " no-such-host.invalid; 1 of 2 servers answer",
                    "WARN ZooKeeper server 127.0.0.1:" + late
                            + " (zookeeper.hosts) cannot be reached: Connection refused; 0 of 2 servers answer");

            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress("127.0.0.1", late));
                await().atMost(Duration.ofSeconds(10)).until(this::lines, l -> l.size() == 3);
                assertThat(lines().get(2)).isEqualTo("INFO ZooKeeper server 127.0.0.1:" + late
                        + " (zookeeper.hosts) can be reached again; 1 of 2 servers answer");
            }
        }
    }
}
