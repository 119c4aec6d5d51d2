package io.vigil.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Coverage-guided fuzz targets for every znode value decoder: any peer, an older Patroni or a hand-edited znode
 * can put any bytes there, and one value that throws would fail the whole cluster read of every agent. The
 * property is the decoders' contract: a value or the defined empty outcome, never an exception, and nothing in
 * the result that its readers do not expect.
 *
 * <p>{@code mvn test} replays the seeds under {@code ZnodeValuesFuzzTestInputs/<method>/}; {@code scripts/fuzz}
 * fuzzes each method for a bounded time (docs/security.md, "Fuzzing").
 */
class ZnodeValuesFuzzTest {

    @FuzzTest
    void member(byte[] data) {
        MemberNode m = WireFormat.member("n1", data, 7);

        assertThat(m.name()).isEqualTo("n1");
        assertThat(m.session()).isEqualTo(7);
        // every accessor the HA loop and the REST status read
        m.role();
        m.state();
        m.xlogLocation();
        m.apiUrl();
        m.connUrl();
        m.tagTrue("nofailover");
        m.timeline().ifPresent(t -> assertThat(t).isNotNegative());
        assertThat(m.tags()).isUnmodifiable();
        m.pgAddress().ifPresent(a -> {
            assertThat(a.host()).isNotEmpty();
            assertThat(a.port()).isBetween(1, 65535);
        });
    }

    @FuzzTest
    void leader(byte[] data) {
        LeaderNode leader = WireFormat.leader(data, 7, 0);

        assertThat(leader.name()).isEqualTo(WireFormat.text(data));
    }

    @FuzzTest
    void config(byte[] data) {
        ConfigNode config = WireFormat.config(data, 4);

        assertThat(config.version()).isEqualTo(4);
        assertThat(config.data()).isUnmodifiable();
    }

    @FuzzTest
    void sync(byte[] data) {
        SyncNode sync = SyncNode.parse(data, 5);

        assertThat(sync.version()).isEqualTo(5);
        if (sync.isEmpty()) {
            assertThat(sync.standbys()).isEmpty();
            assertThat(sync.quorum()).isEmpty();
        } else {
            assertThat(sync.leader().get()).isNotEmpty();
            assertThat(sync.standbys()).allSatisfy(s -> assertThat(s).isNotBlank().doesNotContain(","));
        }
    }

    @FuzzTest
    void failover(byte[] data) {
        Optional<FailoverNode> failover = WireFormat.failover(data, 6);

        failover.ifPresent(f -> {
            assertThat(f.leader().isPresent() || f.member().isPresent()).as("leader or member").isTrue();
            f.leader().ifPresent(l -> assertThat(l).isNotEmpty());
            f.member().ifPresent(m -> assertThat(m).isNotEmpty());
            assertThat(f.version()).isEqualTo(6);
        });
    }

    @FuzzTest
    void history(byte[] data) {
        List<List<Object>> history = WireFormat.history(data);

        assertThat(history).isUnmodifiable().allSatisfy(line -> assertThat(line).isUnmodifiable());
    }

    @FuzzTest
    void status(byte[] data) {
        // the status znode and its predecessor optime/leader: a WAL position or nothing, which reads back the same
        // once the leader writes it again
        WireFormat.statusOptime(data).ifPresent(optime -> assertThat(
                WireFormat.statusOptime(WireFormat.compactJson(Map.of("optime", optime)))).hasValue(optime));
        WireFormat.legacyOptime(data).ifPresent(optime -> assertThat(
                WireFormat.legacyOptime(Long.toString(optime).getBytes(StandardCharsets.UTF_8))).hasValue(optime));
    }

    @FuzzTest
    void failsafe(byte[] data) {
        Optional<Map<String, String>> failsafe = WireFormat.failsafe(data);

        failsafe.ifPresent(members -> assertThat(members).doesNotContainKey(null).doesNotContainValue(null));
    }
}
