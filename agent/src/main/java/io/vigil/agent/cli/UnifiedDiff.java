package io.vigil.agent.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts with three lines of context, as Python's {@code difflib.unified_diff} prints it
 * for {@code edit-config} (headers {@code ---}/{@code +++} without file names). Configurations are small,
 * so a plain longest-common-subsequence table is enough.
 */
final class UnifiedDiff {

  private static final int CONTEXT = 3;

  private UnifiedDiff() {}

  static List<String> diff(String before, String after) {
    List<String> a = lines(before);
    List<String> b = lines(after);
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    // edit script: ' ', '-', '+' with positions in a and b
    List<char[]> ops = new ArrayList<>();
    List<int[]> pos = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        ops.add(new char[] {' '});
        pos.add(new int[] {i++, j++});
      } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.add(new char[] {'-'});
        pos.add(new int[] {i++, j});
      } else {
        ops.add(new char[] {'+'});
        pos.add(new int[] {i, j++});
      }
    }
    List<String> out = new ArrayList<>();
    int k = 0;
    while (k < ops.size()) {
      if (ops.get(k)[0] == ' ') {
        k++;
        continue;
      }
      int start = Math.max(0, k - CONTEXT);
      int end = k;
      int lastChange = k;
      while (end < ops.size()) {
        if (ops.get(end)[0] != ' ') {
          lastChange = end;
        } else if (end - lastChange > 2 * CONTEXT) {
          break;
        }
        end++;
      }
      end = Math.min(ops.size(), lastChange + CONTEXT + 1);
      if (out.isEmpty()) {
        out.add("--- ");
        out.add("+++ ");
      }
      int aStart = pos.get(start)[0];
      int bStart = pos.get(start)[1];
      int aLen = 0;
      int bLen = 0;
      List<String> hunk = new ArrayList<>();
      for (int x = start; x < end; x++) {
        char op = ops.get(x)[0];
        int[] p = pos.get(x);
        if (op != '+') {
          aLen++;
        }
        if (op != '-') {
          bLen++;
        }
        hunk.add(op + (op == '+' ? b.get(p[1]) : a.get(p[0])));
      }
      out.add("@@ -" + range(aStart, aLen) + " +" + range(bStart, bLen) + " @@");
      out.addAll(hunk);
      k = end;
    }
    return out;
  }

  private static String range(int start, int length) {
    int beginning = start + 1;
    if (length == 1) {
      return Integer.toString(beginning);
    }
    if (length == 0) {
      beginning--;
    }
    return beginning + "," + length;
  }

  private static List<String> lines(String text) {
    String t = text.replaceAll("\n+$", "");
    return t.isEmpty() ? List.of() : List.of(t.split("\n", -1));
  }
}
