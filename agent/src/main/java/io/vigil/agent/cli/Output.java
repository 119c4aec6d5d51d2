package io.vigil.agent.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * patronictl's {@code print_output}: rows as a pretty table, tab-separated values, JSON or YAML records.
 * In the records of a titled table (the members list) empty cells are left out; a members list drops its
 * {@code Cluster} column in the pretty table.
 */
final class Output {

  static final Set<String> FORMATS = Set.of("pretty", "tsv", "json", "yaml", "yml", "topology");

  private Output() {}

  static void print(PrintStream out, List<String> columns, List<List<Object>> rows, Set<String> rightAligned,
                    String format, String title, String delimiter) {
    switch (format) {
      case "json", "yaml", "yml" -> {
        List<Map<String, Object>> records = new ArrayList<>();
        for (List<Object> r : rows) {
          Map<String, Object> rec = new LinkedHashMap<>();
          for (int i = 0; i < columns.size(); i++) {
            Object v = r.get(i);
            if (title == null || !str(v).isEmpty()) {
              rec.put(columns.get(i), v);
            }
          }
          records.add(rec);
        }
        out.println("json".equals(format) ? PyJson.dumps(records) : Yaml.dump(records).stripTrailing());
      }
      case "tsv" -> {
        out.println(String.join(delimiter, columns));
        for (List<Object> r : rows) {
          out.println(r.stream().map(Output::str).collect(Collectors.joining(delimiter)));
        }
      }
      default -> {
        List<String> cols = columns;
        List<List<Object>> body = rows;
        if (title != null && !columns.isEmpty() && columns.get(0).equals("Cluster")) {
          cols = columns.subList(1, columns.size());
          body = rows.stream().map(r -> r.subList(1, r.size())).toList();
        }
        Table table = new Table(cols, rightAligned);
        for (List<Object> r : body) {
          table.add(r.stream().map(Output::str).toList());
        }
        out.println(table.render(title));
      }
    }
  }

  /** Python's {@code str()} for cells: {@code None}, {@code True}/{@code False}. */
  static String str(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    return Objects.toString(v);
  }
}
