package io.vigil.restapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected values are those of Python's urllib.parse.parse_qs, which Patroni uses. */
class QueryStringTest {

    @Test
    void splitsPairsAndKeepsRepeatedValuesInOrder() {
        assertThat(QueryString.parse("lag=1MB&tag_rack=r1&tag_rack=r2"))
                .containsExactly(Map.entry("lag", List.of("1MB")), Map.entry("tag_rack", List.of("r1", "r2")));
    }

    @Test
    void dropsEmptyValuesAndPairsWithoutEquals() {
        assertThat(QueryString.parse("lag=&tag_rack&&=&x=1")).containsExactly(Map.entry("x", List.of("1")));
    }

    @Test
    void decodesPercentEscapesAndPlus() {
        assertThat(QueryString.parse("tag_a=hello+world%21&%E2%82%AC=%e2%82%ac"))
                .containsEntry("tag_a", List.of("hello world!"))
                .containsEntry("€", List.of("€"));
    }

    @Test
    void keepsMalformedEscapesLiterallyAndReplacesInvalidUtf8() {
        assertThat(QueryString.parse("lag=%zz&b=%4&c=%ff"))
                .containsEntry("lag", List.of("%zz"))
                .containsEntry("b", List.of("%4"))
                .containsEntry("c", List.of("\uFFFD"));
    }

    @Test
    void emptyOrAbsentQueryHasNoParameters() {
        assertThat(QueryString.parse(null)).isEmpty();
        assertThat(QueryString.parse("")).isEmpty();
        assertThat(QueryString.parse("&&&")).isEmpty();
    }

    @Test
    void emptyNameIsKeptLikePython() {
        assertThat(QueryString.parse("=v")).containsExactly(Map.entry("", List.of("v")));
    }
}
