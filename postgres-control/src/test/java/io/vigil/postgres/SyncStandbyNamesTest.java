package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.postgres.SyncStandbyNames.Kind;
import io.vigil.postgres.SyncStandbyNames.Parsed;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyncStandbyNamesTest {

    @Test
    void priorityOneNameAloneSeveralWithTheirCount() {
        assertThat(SyncStandbyNames.priority(1, List.of("n2"))).isEqualTo("n2");
        assertThat(SyncStandbyNames.priority(2, List.of("n3", "n2"))).isEqualTo("2 (n2,n3)");
        assertThat(SyncStandbyNames.priority(1, List.of("n3", "n2"))).isEqualTo("1 (n2,n3)");
        assertThat(SyncStandbyNames.priority(3, Set.of("c", "a", "b"))).isEqualTo("3 (a,b,c)");
        assertThat(SyncStandbyNames.priority(1, List.of())).isEmpty();
        assertThat(SyncStandbyNames.priority(2, List.of("n2", "*"))).isEqualTo(SyncStandbyNames.STRICT_NONE);
        assertThat(SyncStandbyNames.STRICT_NONE).isEqualTo("*");
        assertThatThrownBy(() -> SyncStandbyNames.priority(0, List.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quorumIsAnyKEvenForOneName() {
        assertThat(SyncStandbyNames.quorum(1, List.of("n3", "n2"))).isEqualTo("ANY 1 (n2,n3)");
        assertThat(SyncStandbyNames.quorum(2, List.of("n2", "n3", "n4"))).isEqualTo("ANY 2 (n2,n3,n4)");
        assertThat(SyncStandbyNames.quorum(1, List.of("n2"))).isEqualTo("ANY 1 (n2)");
        assertThat(SyncStandbyNames.quorum(1, List.of("*"))).isEqualTo("ANY 1 (*)");
        assertThat(SyncStandbyNames.quorum(1, List.of())).isEmpty();
        assertThatThrownBy(() -> SyncStandbyNames.quorum(0, List.of("a"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesAreQuotedUnlessPlainIdentifiers() {
        assertThat(SyncStandbyNames.quote("node_1$x")).isEqualTo("node_1$x");
        assertThat(SyncStandbyNames.quote("_n")).isEqualTo("_n");
        assertThat(SyncStandbyNames.quote("Node1")).isEqualTo("Node1");
        assertThat(SyncStandbyNames.quote("pg-1")).isEqualTo("\"pg-1\"");
        assertThat(SyncStandbyNames.quote("1node")).isEqualTo("\"1node\"");
        assertThat(SyncStandbyNames.quote("db.example.com")).isEqualTo("\"db.example.com\"");
        assertThat(SyncStandbyNames.quote("a b")).isEqualTo("\"a b\"");
        assertThat(SyncStandbyNames.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(SyncStandbyNames.quote("über")).isEqualTo("\"über\"");
        assertThat(SyncStandbyNames.quote("first")).as("keyword").isEqualTo("\"first\"");
        assertThat(SyncStandbyNames.quote("ANY")).as("keyword").isEqualTo("\"ANY\"");
        assertThat(SyncStandbyNames.quote("firstly")).isEqualTo("firstly");
        assertThat(SyncStandbyNames.priority(2, List.of("pg-2", "pg-1"))).isEqualTo("2 (\"pg-1\",\"pg-2\")");
        assertThat(SyncStandbyNames.priority(1, List.of("pg-1"))).isEqualTo("\"pg-1\"");
        assertThat(SyncStandbyNames.quorum(1, List.of("a\"b", "c"))).isEqualTo("ANY 1 (\"a\"\"b\",c)");
    }

    @Test
    void parsesEveryFormPostgresAccepts() {
        assertThat(SyncStandbyNames.parse("")).isEqualTo(new Parsed(Kind.NONE, 0, List.of()));
        assertThat(SyncStandbyNames.parse("   ")).isEqualTo(new Parsed(Kind.NONE, 0, List.of()));
        assertThat(SyncStandbyNames.parse(null)).isEqualTo(new Parsed(Kind.NONE, 0, List.of()));
        assertThat(SyncStandbyNames.parse("n2")).isEqualTo(new Parsed(Kind.PRIORITY, 1, List.of("n2")));
        assertThat(SyncStandbyNames.parse(" a , b ")).isEqualTo(new Parsed(Kind.PRIORITY, 1, List.of("a", "b")));
        assertThat(SyncStandbyNames.parse("2 (n2,n3)")).isEqualTo(new Parsed(Kind.PRIORITY, 2, List.of("n2", "n3")));
        assertThat(SyncStandbyNames.parse("2(n2, n3)")).isEqualTo(new Parsed(Kind.PRIORITY, 2, List.of("n2", "n3")));
        assertThat(SyncStandbyNames.parse("FIRST 1 (n2,n3)")).isEqualTo(new Parsed(Kind.PRIORITY, 1, List.of("n2", "n3")));
        assertThat(SyncStandbyNames.parse("first 2 (a)")).isEqualTo(new Parsed(Kind.PRIORITY, 2, List.of("a")));
        assertThat(SyncStandbyNames.parse("ANY 1 (n2,n3)")).isEqualTo(new Parsed(Kind.QUORUM, 1, List.of("n2", "n3")));
        assertThat(SyncStandbyNames.parse("aNy 3(a,b,c)")).isEqualTo(new Parsed(Kind.QUORUM, 3, List.of("a", "b", "c")));
        assertThat(SyncStandbyNames.parse("\"pg-1\", \"a\"\"b\"")).isEqualTo(
                new Parsed(Kind.PRIORITY, 1, List.of("pg-1", "a\"b")));
        assertThat(SyncStandbyNames.parse("\"1\"").names()).containsExactly("1");
        assertThat(SyncStandbyNames.parse("2 (1, 2)").names()).as("numbers are names to PostgreSQL")
                .containsExactly("1", "2");
        assertThat(SyncStandbyNames.parse("firstname, anyone").names()).containsExactly("firstname", "anyone");
        assertThat(SyncStandbyNames.parse("FiRsT").names()).as("like Patroni").containsExactly("FiRsT");
        assertThat(SyncStandbyNames.parse("über").names()).containsExactly("über");
    }

    @Test
    void aStarMeansAnyStandby() {
        assertThat(SyncStandbyNames.parse("*")).isEqualTo(new Parsed(Kind.ANY, 1, List.of()));
        assertThat(SyncStandbyNames.parse("2 (a, *)")).isEqualTo(new Parsed(Kind.ANY, 2, List.of("a")));
        assertThat(SyncStandbyNames.parse("ANY 1 (*)")).isEqualTo(new Parsed(Kind.ANY, 1, List.of()));
        assertThat(SyncStandbyNames.parse("\"*\"")).as("a quoted star is a name")
                .isEqualTo(new Parsed(Kind.PRIORITY, 1, List.of("*")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2 (,)", "FIRST 4(\"a\",)", "ANY 4(\"a\" b,\"c c\")", "a b", "a,", ",a", "2 ()",
        "0 (a)", "ANY 0 (a)", "99999999999 (a)", "(a)", "2 (a", "a)", "a;b", "\"unterminated", "ANY (a)", "FIRST"
        + " a (b)"})
    void refusesWhatPostgresRefuses(String value) {
        assertThatThrownBy(() -> SyncStandbyNames.parse(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unparsable synchronous_standby_names value '" + value + "'");
    }

    @Test
    void whatIsWrittenParsesBack() {
        List<String> names = List.of("n1", "pg-2", "a\"b", "first", "Zed");
        Parsed priority = SyncStandbyNames.parse(SyncStandbyNames.priority(2, names));
        assertThat(priority.kind()).isEqualTo(Kind.PRIORITY);
        assertThat(priority.count()).isEqualTo(2);
        assertThat(priority.names()).containsExactlyInAnyOrderElementsOf(names);
        Parsed quorum = SyncStandbyNames.parse(SyncStandbyNames.quorum(3, names));
        assertThat(quorum).isEqualTo(new Parsed(Kind.QUORUM, 3, priority.names()));
        assertThat(SyncStandbyNames.parse(SyncStandbyNames.priority(1, List.of("pg-9"))))
                .isEqualTo(new Parsed(Kind.PRIORITY, 1, List.of("pg-9")));
        assertThat(SyncStandbyNames.parse(SyncStandbyNames.STRICT_NONE).kind()).isEqualTo(Kind.ANY);
    }

    @Test
    void listsComparesNamesIgnoringCase() {
        Parsed p = SyncStandbyNames.parse("2 (Node2, \"pg-3\")");
        assertThat(p.lists("node2")).isTrue();
        assertThat(p.lists("PG-3")).isTrue();
        assertThat(p.lists("node3")).isFalse();
        assertThat(p.lists(null)).isFalse();
    }
}
