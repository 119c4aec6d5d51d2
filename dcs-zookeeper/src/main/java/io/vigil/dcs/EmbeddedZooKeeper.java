package io.vigil.dcs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A single in-process ZooKeeper server on 127.0.0.1, for {@code vigil demo}. Not for production clusters:
 * one server is one point of failure.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 30_000;

    private final ZooKeeperServerEmbedded server;
    private final String connectString;

    private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, String connectString) {
        this.server = server;
        this.connectString = connectString;
    }

    /**
     * Starts a server keeping its data under {@code dataDir} and listening on {@code port} (0 = a free port).
     *
     * @throws IllegalStateException if the server cannot start (e.g. the port is taken)
     */
    public static EmbeddedZooKeeper start(Path dataDir, int port) {
        try {
            Path data = dataDir.resolve("data");
            Files.createDirectories(data);
            return start(dataDir, configuration(data, port), port);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("embedded ZooKeeper: cannot create " + dataDir + ": " + e, e);
        }
    }

    /**
     * Starts member {@code myId} of an ensemble on 127.0.0.1 ({@code vigil demo --zk-ensemble} runs each in a process
     * of its own, so that one can be killed). {@code ports} holds, per member id, its client, quorum and election ports.
     */
    public static EmbeddedZooKeeper startMember(Path dataDir, int myId, java.util.Map<Integer, int[]> ports) {
        try {
            Path data = dataDir.resolve("data");
            Files.createDirectories(data);
            Files.writeString(data.resolve("myid"), myId + "\n");
            int clientPort = ports.get(myId)[0];
            Properties p = configuration(data, clientPort);
            p.setProperty("initLimit", "10");
            p.setProperty("syncLimit", "5");
            ports.forEach((id, pp) -> p.setProperty("server." + id, "127.0.0.1:" + pp[1] + ":" + pp[2] + ";127.0.0.1:" + pp[0]));
            return start(dataDir, p, clientPort);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("embedded ZooKeeper: cannot create " + dataDir + ": " + e, e);
        }
    }

    private static EmbeddedZooKeeper start(Path dataDir, Properties configuration, int port) {
        ZooKeeperServerEmbedded server = null;
        try {
            server = ZooKeeperServerEmbedded.builder()
                    .baseDir(dataDir)
                    .configuration(configuration)
                    // Never System.exit() the agent from inside the ZooKeeper server; a failed start throws here.
                    .exitHandler(ExitHandler.LOG_ONLY)
                    .build();
            server.start(START_TIMEOUT_MS);
            return new EmbeddedZooKeeper(server, server.getConnectionString());
        } catch (Exception e) {
            if (server != null) {
                server.close();
            }
            throw new IllegalStateException("embedded ZooKeeper failed to start on port " + port + " in " + dataDir
                    + ": " + e, e);
        }
    }

    private static Properties configuration(Path data, int port) {
        Properties p = new Properties();
        p.setProperty("dataDir", data.toString());
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("tickTime", "1000");
        // Honour any ttl as the session timeout (the default bounds, 2..20 ticks, would clamp ttl 30 to 20 s).
        p.setProperty("minSessionTimeout", "2000");
        p.setProperty("maxSessionTimeout", "600000");
        p.setProperty("maxCnxns", "1000");
        // Keep the demo's disk use bounded.
        p.setProperty("autopurge.snapRetainCount", "3");
        p.setProperty("autopurge.purgeInterval", "1");
        // The admin server needs Jetty 9 / javax.servlet, which clashes with the REST API's Jetty.
        p.setProperty("admin.enableServer", "false");
        p.setProperty("4lw.commands.whitelist", "srvr,ruok,mntr,stat");
        return p;
    }

    /** {@code 127.0.0.1:<port>}, with the actual port when 0 was requested. */
    public String connectString() {
        return connectString;
    }

    @Override
    public void close() {
        server.close();
    }
}
