package io.vigil.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A patronictl-style (PrettyTable) ASCII table: cells padded by one space, left-aligned unless the column is
 * right-aligned, frame rules only, or rules between all rows when a cell spans several lines; an optional
 * title embedded in the top border ({@code + Cluster: demo ---+----}), cut to the border's length.
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
    boolean multiLine = false;
    for (int i = 0; i < w.length; i++) {
      w[i] = columns.get(i).length();
      for (List<String> r : rows) {
        for (String line : r.get(i).split("\n", -1)) {
          w[i] = Math.max(w[i], line.length());
        }
        multiLine |= r.get(i).contains("\n");
      }
    }
    StringBuilder rule = new StringBuilder("+");
    for (int width : w) {
      rule.append("-".repeat(width + 2)).append('+');
    }
    String top = rule.toString();
    if (title != null && !title.isEmpty()) {
      String t = " " + title + " ";
      t = t.substring(0, Math.min(t.length(), top.length() - 2));
      top = "+" + t + top.substring(1 + t.length());
    }
    StringBuilder out = new StringBuilder();
    out.append(top).append('\n');
    out.append(line(columns, w, true)).append('\n');
    out.append(rule).append('\n');
    for (int r = 0; r < rows.size(); r++) {
      List<String[]> cells = new ArrayList<>();
      int height = 1;
      for (String c : rows.get(r)) {
        String[] lines = c.split("\n", -1);
        cells.add(lines);
        height = Math.max(height, lines.length);
      }
      for (int l = 0; l < height; l++) {
        List<String> physical = new ArrayList<>();
        for (String[] lines : cells) {
          physical.add(l < lines.length ? lines[l] : "");
        }
        out.append(line(physical, w, false)).append('\n');
      }
      if (multiLine && r < rows.size() - 1) {
        out.append(rule).append('\n');
      }
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
