package io.vigil.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnifiedDiffTest {

  @Test
  void oneChangedLineWithContext() {
    String before = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\n";
    String after = "a: 1\nb: 2\nc: 3\nd: 40\ne: 5\nf: 6\ng: 7\nh: 8\n";
    assertThat(UnifiedDiff.diff(before, after)).containsExactly("--- ", "+++ ", "@@ -1,7 +1,7 @@",
        " a: 1", " b: 2", " c: 3", "-d: 4", "+d: 40", " e: 5", " f: 6", " g: 7");
  }

  @Test
  void addedKeyAtTheEndAndSeparateHunks() {
    String before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
    String after = "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n";
    assertThat(UnifiedDiff.diff(before, after)).containsExactly("--- ", "+++ ", "@@ -1,3 +1,4 @@", "+0", " 1", " 2", " 3",
        "@@ -10,3 +11,4 @@", " 10", " 11", " 12", "+13");
  }

  @Test
  void noChangeNoDiff() {
    assertThat(UnifiedDiff.diff("a: 1\n", "a: 1\n")).isEmpty();
  }
}
