package io.vigil.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Value parsing and the pure records; no server needed. */
class WireValuesTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static MemberNode member(String json) {
        return WireFormat.member("m", bytes(json), 7);
    }

    @Test
    void memberAccessorsReadPatroniFields() {
        MemberNode m = member("{\"conn_url\":\"postgres://10.0.0.12:5432/postgres\",\"api_url\":\"http://10.0.0.12:8008/patroni\","
                + "\"state\":\"running\",\"role\":\"replica\",\"version\":\"3.0.2\",\"xlog_location\":83886264,"
                + "\"timeline\":3,\"tags\":{\"replicatefrom\":\"node1\",\"nosync\":true,\"nofailover\":\"false\"}}");

        assertThat(m.role()).contains("replica");
        assertThat(m.state()).contains("running");
        assertThat(m.xlogLocation()).hasValue(83886264L);
        assertThat(m.timeline()).hasValue(3);
        assertThat(m.apiUrl()).contains("http://10.0.0.12:8008/patroni");
        assertThat(m.connUrl()).contains("postgres://10.0.0.12:5432/postgres");
        assertThat(m.pgAddress()).contains(new HostPortValue("10.0.0.12", 5432));
        assertThat(m.tags()).containsEntry("replicatefrom", "node1");
        assertThat(m.tagTrue("nosync")).isTrue();
        assertThat(m.tagTrue("nofailover")).as("the string \"false\" is false").isFalse();
        assertThat(m.tagTrue("clonefrom")).isFalse();
        assertThat(m.session()).isEqualTo(7);
    }

    @Test
    void wrongTypesReadAsAbsent() {
        MemberNode m = member("{\"role\":1,\"xlog_location\":\"abc\",\"timeline\":-1,\"tags\":[1],\"conn_url\":5}");

        assertThat(m.role()).isEmpty();
        assertThat(m.xlogLocation()).isEmpty();
        assertThat(m.timeline()).isEmpty();
        assertThat(m.tags()).isEmpty();
        assertThat(m.pgAddress()).isEmpty();
    }

    @Test
    void numbersWrittenAsStringsOrFloatsStillCount() {
        assertThat(member("{\"xlog_location\":\"123\"}").xlogLocation()).hasValue(123L);
        assertThat(member("{\"xlog_location\":123.0}").xlogLocation()).hasValue(123L);
        assertThat(member("{\"xlog_location\":99999999999999999999}").xlogLocation()).isEmpty();
    }

    @Test
    void connUrlVariants() {
        assertThat(HostPortValue.fromConnUrl("postgres://[fd00::12]:5433/postgres")).contains(new HostPortValue("fd00::12", 5433));
        assertThat(HostPortValue.fromConnUrl("postgres://u:p@db_host.local/postgres?sslmode=require"))
                .contains(new HostPortValue("db_host.local", 5432));
        assertThat(HostPortValue.fromConnUrl("postgresql://h:6000")).contains(new HostPortValue("h", 6000));
        assertThat(HostPortValue.fromConnUrl("postgres://h:notaport/db")).isEmpty();
        assertThat(HostPortValue.fromConnUrl("postgres:///db")).isEmpty();
        assertThat(HostPortValue.fromConnUrl("h:5432")).isEmpty();
    }

    @Test
    void connKwargsAreTheFallbackAddress() {
        MemberNode m = member("{\"conn_kwargs\":{\"host\":\"10.1.1.1\",\"port\":5444,\"dbname\":\"postgres\"}}");

        assertThat(m.pgAddress()).contains(new HostPortValue("10.1.1.1", 5444));
    }

    @Test
    void legacyGovernorMemberValue() {
        MemberNode m = member("postgres://repl:pw@10.0.0.5:5432/postgres?application_name=http%3A%2F%2F10.0.0.5%3A8008%2Fpatroni");

        assertThat(m.connUrl()).contains("postgres://repl:pw@10.0.0.5:5432/postgres");
        assertThat(m.apiUrl()).contains("http://10.0.0.5:8008/patroni");
        assertThat(m.pgAddress()).contains(new HostPortValue("10.0.0.5", 5432));
    }

    @Test
    void legacyMemberValueWithMalformedEscapesIsReadLikePython() {
        // found by ZnodeValuesFuzzTest#member: URLDecoder threw on %zz and failed the whole cluster read
        MemberNode m = member("postgres://u@h:5432/db?application_name=http://h%3A8008/%zz+x%4");

        assertThat(m.connUrl()).contains("postgres://u@h:5432/db");
        assertThat(m.apiUrl()).contains("http://h:8008/%zz x%4");
    }

    @Test
    void failoverForms() {
        assertThat(WireFormat.failover(bytes("{\"member\":\"n2\"}"), 3))
                .contains(new FailoverNode(Optional.empty(), Optional.of("n2"), Optional.empty(), 3));
        assertThat(WireFormat.failover(bytes("n1:n2"), 0))
                .contains(new FailoverNode(Optional.of("n1"), Optional.of("n2"), Optional.empty(), 0));
        assertThat(WireFormat.failover(bytes("{}"), 0)).isEmpty();
        assertThat(WireFormat.failover(bytes("{\"leader\":\"\"}"), 0)).isEmpty();
        assertThat(WireFormat.failover(bytes("{\"leader\":"), 0)).isEmpty();
        assertThat(WireFormat.failover(bytes("garbage"), 0)).isEmpty();
        assertThat(WireFormat.failover(new byte[0], 0)).isEmpty();
    }

    private static SyncNode sync(String json) {
        return SyncNode.parse(bytes(json), 7);
    }

    @Test
    void syncValuesOfPatroni3And4() {
        assertThat(sync("{\"leader\":\"n1\",\"sync_standby\":\"n2,n3\"}"))
                .isEqualTo(new SyncNode(Optional.of("n1"), List.of("n2", "n3"), OptionalInt.empty(), 7));
        assertThat(sync("{\"leader\":\"n1\",\"sync_standby\":null}"))
                .isEqualTo(new SyncNode(Optional.of("n1"), List.of(), OptionalInt.empty(), 7));
        assertThat(sync("{\"leader\":\"n1\",\"quorum\":1,\"sync_standby\":\"n2,n3\"}"))
                .isEqualTo(new SyncNode(Optional.of("n1"), List.of("n2", "n3"), OptionalInt.of(1), 7));
        assertThat(sync("{\"leader\":\"n1\",\"quorum\":null,\"sync_standby\":\"n2\"}").quorum()).isEmpty();
        assertThat(sync("{\"leader\":\"n1\",\"quorum\":\"2\",\"sync_standby\":\"n2\"}").quorum()).hasValue(2);
        assertThat(sync("{\"leader\":\"n1\",\"sync_standby\":\" n2 ,,n3, \"}").standbys()).containsExactly("n2", "n3");
        assertThat(sync("{\"leader\":\"n1\"}").standbys()).isEmpty();
        assertThat(sync("{}").switchedOff()).as("written when synchronous mode is switched off").isTrue();
        assertThat(sync("{}").isEmpty()).isTrue();
        assertThat(sync("{\"leader\":null}").switchedOff()).as("leader-less: says nothing").isFalse();
        assertThat(sync("garbage").switchedOff()).isFalse();
    }

    @Test
    void syncGarbageIsAnEmptyRecordWithTheRealVersion() {
        SyncNode empty = SyncNode.empty(7);
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.standbys()).isEmpty();
        for (String garbage : List.of("", "{", "garbage", "[\"n1\"]", "\"n1\"", "42", "null",
                "{\"leader\":\"\",\"sync_standby\":\"n2\"}",
                "{\"sync_standby\":\"n2\"}",
                "{\"leader\":5,\"sync_standby\":\"n2\"}",
                "{\"leader\":\"n1\",\"sync_standby\":[\"n2\"]}",
                "{\"leader\":\"n1\",\"sync_standby\":\"n2\",\"quorum\":\"two\"}",
                "{\"leader\":\"n1\",\"sync_standby\":\"n2\",\"quorum\":true}",
                "{\"leader\":\"n1\",\"sync_standby\":\"n2\",\"quorum\":99999999999}",
                "{\"leader\":\"n1\"} trailing")) {
            assertThat(sync(garbage)).as(garbage).isEqualTo(empty);
        }
        assertThat(SyncNode.parse(null, 3)).isEqualTo(SyncNode.empty(3));
        assertThat(SyncNode.from(Map.of("leader", "n1", "sync_standby", "n2"), 4))
                .isEqualTo(new SyncNode(Optional.of("n1"), List.of("n2"), OptionalInt.empty(), 4));
    }

    @Test
    void syncMatchesTheLeaderAndTheStandbysIgnoringCase() {
        SyncNode s = sync("{\"leader\":\"foo\",\"sync_standby\":\"bar,Zoo\"}");
        assertThat(s.matches("foo")).isTrue();
        assertThat(s.matches("FOO")).isTrue();
        assertThat(s.matches("Bar")).isTrue();
        assertThat(s.matches("zoo")).isTrue();
        assertThat(s.matches("baz")).isFalse();
        assertThat(s.matches(null)).isFalse();
        assertThat(s.isStandby("BAR")).isTrue();
        assertThat(s.isStandby("foo")).as("the leader is not a standby").isFalse();
        assertThat(s.leaderMatches("Foo")).isTrue();
        assertThat(s.leaderMatches("bar")).isFalse();
        assertThat(SyncNode.empty(1).matches("foo")).isFalse();
    }

    @Test
    void syncValueInPatronisKeyOrder() {
        assertThat(json(SyncNode.value("n1", List.of("n3", "n2"), OptionalInt.empty())))
                .isEqualTo("{\"leader\":\"n1\",\"sync_standby\":\"n2,n3\"}");
        assertThat(json(SyncNode.value("n1", List.of(), OptionalInt.empty())))
                .isEqualTo("{\"leader\":\"n1\",\"sync_standby\":null}");
        assertThat(json(SyncNode.value("n1", java.util.Set.of("n2"), OptionalInt.of(1))))
                .isEqualTo("{\"leader\":\"n1\",\"quorum\":1,\"sync_standby\":\"n2\"}");
        assertThat(json(SyncNode.off())).isEqualTo("{}");
        assertThat(SyncNode.parse(WireFormat.compactJson(SyncNode.value("n1", List.of("b", "a"), OptionalInt.of(2))), 0))
                .isEqualTo(new SyncNode(Optional.of("n1"), List.of("a", "b"), OptionalInt.of(2), 0));
    }

    private static String json(Object value) {
        return new String(WireFormat.compactJson(value), StandardCharsets.UTF_8);
    }

    @Test
    void trailingGarbageIsNotJson() {
        assertThat(WireFormat.parseObject(bytes("{\"a\":1} x"))).isEmpty();
        assertThat(WireFormat.statusOptime(bytes("{\"optime\":5}"))).isEqualTo(OptionalLong.of(5));
        assertThat(WireFormat.legacyOptime(bytes(" 42 \n"))).isEqualTo(OptionalLong.of(42));
    }

    @Test
    void compactJsonKeepsKeyOrderAndNulls() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("leader", "n1");
        value.put("sync_standby", null);
        value.put("a", List.of(1, 2.5, true));

        assertThat(new String(WireFormat.compactJson(value), StandardCharsets.UTF_8))
                .isEqualTo("{\"leader\":\"n1\",\"sync_standby\":null,\"a\":[1,2.5,true]}");
    }

    @Test
    void recordsAreDeeplyImmutableSnapshots() {
        Map<String, Object> tags = new LinkedHashMap<>(Map.of("rack", "r1"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("tags", tags);
        MemberNode m = new MemberNode("n", data, 1);
        tags.put("rack", "r2");
        data.put("role", "master");

        assertThat(m.tags()).containsEntry("rack", "r1");
        assertThat(m.role()).isEmpty();
        assertThatThrownBy(() -> m.data().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        List<List<Object>> history = new ArrayList<>(List.of(new ArrayList<>(List.of(1L))));
        ClusterView view = new ClusterView(Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(new MemberNode("b", Map.of(), 0), new MemberNode("a", Map.of(), 0)),
                OptionalLong.empty(), history, true, Optional.empty());
        history.get(0).add(2L);
        assertThat(view.history()).containsExactly(List.of(1L));
        assertThat(view.members()).extracting(MemberNode::name).containsExactly("a", "b");
    }

    @Test
    void patroniDeepCompareComparesLeavesAsStrings() {
        assertThat(JsonValues.sameAsStrings(Map.of("a", 5, "t", Map.of("x", true)), Map.of("a", 5L, "t", Map.of("x", true)))).isTrue();
        assertThat(JsonValues.sameAsStrings(Map.of("a", 5), Map.of("a", 6))).isFalse();
        assertThat(JsonValues.sameAsStrings(Map.of("a", 5), Map.of("a", 5, "b", 1))).isFalse();
    }

    @Test
    void thePatroni302RecreateRule() {
        Map<String, Object> running = Map.of("state", "running", "version", "3.0.2");
        assertThat(MemberPublisher.peersMustSeeNewZnode(running, Map.of("state", "stopped", "version", "3.0.2"))).isTrue();
        assertThat(MemberPublisher.peersMustSeeNewZnode(Map.of("state", "stopped", "version", "3.0.2"),
                Map.of("state", "starting", "version", "3.0.2"))).isFalse();
        assertThat(MemberPublisher.peersMustSeeNewZnode(running, Map.of("state", "running", "version", "3.0.3"))).isTrue();
        assertThat(MemberPublisher.peersMustSeeNewZnode(running,
                Map.of("state", "running", "version", "3.0.2", "checkpoint_after_promote", false))).isTrue();
        assertThat(MemberPublisher.peersMustSeeNewZnode(running,
                Map.of("state", "running", "version", "3.0.2", "tags", Map.of()))).as("no tags = empty tags").isFalse();
        assertThat(MemberPublisher.peersMustSeeNewZnode(running,
                Map.of("state", "running", "version", "3.0.2", "xlog_location", 5L))).isFalse();
    }

    @Test
    void settingsDeriveClientTimingsFromPatroniKeys() {
        ZooKeeperDcsSettings defaults = new ZooKeeperDcsSettings("h:1", "/service/demo", "n", 30, 10, 10);
        assertThat(defaults.sessionTimeoutMs()).isEqualTo(30_000);
        assertThat(defaults.connectionTimeoutMs()).isEqualTo(5_000);
        assertThat(defaults.livenessTimeoutMs()).isEqualTo(8_000);
        assertThat(defaults.livenessProbeIntervalMs()).isEqualTo(2_000);
        assertThat(defaults.retryTimeoutMs()).isEqualTo(10_000);
        ZooKeeperDcsSettings tight = new ZooKeeperDcsSettings("h:1", "/service/demo", "n", 20, 1, 3);
        assertThat(tight.connectionTimeoutMs()).isEqualTo(1_000);
        assertThat(tight.livenessTimeoutMs()).isEqualTo(2_000);
        assertThat(tight.livenessProbeIntervalMs()).isEqualTo(500);
        assertThatThrownBy(() -> new ZooKeeperDcsSettings("h:1", "/service/demo/", "n", 30, 10, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ZooKeeperDcsSettings("h:1", "/service/demo", "a/b", 30, 10, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dcsExceptionMessagesAreOneLine() {
        assertThat(new DcsException("a\n  b\r\nc").getMessage()).isEqualTo("a b c");
    }
}
