package io.vigil.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A patronictl-style ASCII table: left-aligned cells padded by one space, frame only, and an
 * optional title embedded in the top border ({@code + Cluster: demo ---+----}).
 */
final class Table {

  private final List<String> columns;
  private final Set<String> rightAligned;
  private final List<List<String>> rows = new ArrayList<>();

  Table(List<String> columns, Set<String> rightAligned) {
    this.columns = columns;
    this.rightAligned = rightAligned;
  }

  void add(List<String> row) {
    rows.add(row);
  }

  String render(String title) {
    int[] w = new int[columns.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = columns.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    StringBuilder rule = new StringBuilder("+");
    for (int width : w) {
      rule.append("-".repeat(width + 2)).append('+');
    }
    String top = rule.toString();
    if (title != null && !title.isEmpty()) {
      String t = " " + title + " ";
      if (t.length() + 2 <= top.length()) {
        top = "+" + t + top.substring(1 + t.length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(top).append('\n');
    out.append(line(columns, w, true)).append('\n');
    out.append(rule).append('\n');
    for (List<String> r : rows) {
      out.append(line(r, w, false)).append('\n');
    }
    out.append(rule);
    return out.toString();
  }

  private String line(List<String> cells, int[] w, boolean header) {
    StringBuilder b = new StringBuilder("|");
    for (int i = 0; i < w.length; i++) {
      String c = cells.get(i);
      String pad = " ".repeat(w[i] - c.length());
      boolean right = !header && rightAligned.contains(columns.get(i));
      b.append(' ').append(right ? pad + c : c + pad).append(" |");
    }
    return b.toString();
  }
}
