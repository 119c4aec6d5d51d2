package io.vigil.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemberTouchTest {
    private ZooKeeperFixture zk;
    private ZooKeeperDcs dcs;

    @BeforeEach
    void start() throws Exception {
        zk = new ZooKeeperFixture("members");
        dcs = zk.agent("node1");
    }

    @AfterEach
    void stop() throws Exception {
        zk.close();
    }

    private static Map<String, Object> replica(String state, long xlog) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("conn_url", "postgres://10.0.0.12:5432/postgres");
        data.put("api_url", "http://10.0.0.12:8008/patroni");
        data.put("state", state);
        data.put("role", "replica");
        data.put("version", "3.0.2");
        data.put("xlog_location", xlog);
        data.put("timeline", 3);
        data.put("tags", new LinkedHashMap<>(Map.of("rack", "r2")));
        return data;
    }

    @Test
    void writesExactlyTheGivenCompactJsonAsAnEphemeralOwnedByTheSession() throws Exception {
        dcs.touchMember(replica("running", 83886264L));

        assertThat(zk.text("members/node1")).isEqualTo(
                "{\"conn_url\":\"postgres://10.0.0.12:5432/postgres\",\"api_url\":\"http://10.0.0.12:8008/patroni\","
                        + "\"state\":\"running\",\"role\":\"replica\",\"version\":\"3.0.2\",\"xlog_location\":83886264,"
                        + "\"timeline\":3,\"tags\":{\"rack\":\"r2\"}}");
        assertThat(zk.stat("members/node1").getEphemeralOwner()).isEqualTo(dcs.sessionId()).isNotZero();
        // Parents are plain persistent znodes with empty data, as Patroni's makepath creates them.
        assertThat(zk.stat("members").getEphemeralOwner()).isZero();
        assertThat(zk.raw("members")).isEmpty();
    }

    @Test
    void escapesNonAsciiLikePython() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("tags", Map.of("site", "Zürich"));
        dcs.touchMember(data);

        assertThat(zk.text("members/node1")).isEqualTo("{\"tags\":{\"site\":\"Z\\u00FCrich\"}}");
    }

    @Test
    void anIdenticalTouchWritesNothing() throws Exception {
        dcs.touchMember(replica("running", 100));
        Stat first = zk.stat("members/node1");

        dcs.touchMember(replica("running", 100));

        Stat second = zk.stat("members/node1");
        assertThat(second.getVersion()).isEqualTo(first.getVersion());
        assertThat(second.getMzxid()).isEqualTo(first.getMzxid());
    }

    @Test
    void anOrdinaryChangeIsASetDataOnTheSameZnode() throws Exception {
        dcs.touchMember(replica("running", 100));
        Stat first = zk.stat("members/node1");

        dcs.touchMember(replica("running", 200));

        Stat second = zk.stat("members/node1");
        assertThat(second.getCzxid()).isEqualTo(first.getCzxid());
        assertThat(second.getVersion()).isEqualTo(first.getVersion() + 1);
        assertThat(zk.text("members/node1")).contains("\"xlog_location\":200");
    }

    @Test
    void leavingOrEnteringRunningRecreatesTheZnodeSoPatroni302PeersNotice() throws Exception {
        dcs.touchMember(replica("running", 100));
        long created = zk.stat("members/node1").getCzxid();

        dcs.touchMember(replica("stopped", 100));
        long afterStop = zk.stat("members/node1").getCzxid();
        dcs.touchMember(replica("starting", 100));
        long afterStarting = zk.stat("members/node1").getCzxid();
        dcs.touchMember(replica("running", 100));
        long afterRunning = zk.stat("members/node1").getCzxid();

        assertThat(afterStop).isGreaterThan(created);
        assertThat(afterStarting).as("stopped -> starting does not involve running").isEqualTo(afterStop);
        assertThat(afterRunning).isGreaterThan(afterStarting);
        assertThat(zk.stat("members/node1").getEphemeralOwner()).isEqualTo(dcs.sessionId());
    }

    @Test
    void changedTagsOrVersionRecreateTheZnode() throws Exception {
        Map<String, Object> data = replica("running", 100);
        dcs.touchMember(data);
        long created = zk.stat("members/node1").getCzxid();

        data.put("tags", Map.of("rack", "r2", "nosync", true));
        dcs.touchMember(data);
        long afterTags = zk.stat("members/node1").getCzxid();
        data.put("version", "3.0.3");
        dcs.touchMember(data);
        long afterVersion = zk.stat("members/node1").getCzxid();

        assertThat(afterTags).isGreaterThan(created);
        assertThat(afterVersion).isGreaterThan(afterTags);
        assertThat(zk.text("members/node1")).contains("\"nosync\":true").contains("\"version\":\"3.0.3\"");
    }

    @Test
    void reclaimsItsZnodeFromAnotherSession() throws Exception {
        // What a previous incarnation of this agent left behind while its session is still alive.
        zk.putEphemeral("members/node2", "{\"state\":\"running\"}");
        ZooKeeperDcs node2 = zk.agent("node2");
        assertThat(zk.stat("members/node2").getEphemeralOwner()).isEqualTo(zk.inspectorSession());

        node2.touchMember(replica("running", 1));

        assertThat(zk.stat("members/node2").getEphemeralOwner()).isEqualTo(node2.sessionId());
        assertThat(zk.text("members/node2")).contains("\"xlog_location\":1");
    }

    @Test
    void rewritesAZnodeSomebodyElseModifiedEvenIfOurValueIsUnchanged() throws Exception {
        dcs.touchMember(replica("running", 100));
        zk.put("members/node1", "{}");

        dcs.touchMember(replica("running", 100));

        assertThat(zk.text("members/node1")).contains("\"xlog_location\":100");
    }

    @Test
    void closingTheAgentRemovesItsMemberZnode() throws Exception {
        dcs.touchMember(replica("running", 1));
        assertThat(zk.exists("members/node1")).isTrue();

        dcs.close();

        assertThat(zk.exists("members/node1")).isFalse();
    }
}
