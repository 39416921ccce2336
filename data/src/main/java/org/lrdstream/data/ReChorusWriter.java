package org.lrdstream.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a {@link Dataset} in the ReChorus format that {@link ReChorusReader} reads back (and the
 * paper's code reads): {@code train.csv}, {@code dev.csv}, {@code test.csv}, {@code item_meta.csv}
 * and {@code <name>.text}, plus {@code <name>.item2index} when the items have source ids (the text
 * is then keyed by them) and {@code <name>.user2index} when the users have.
 *
 * <p>Attributes in {@code item_meta.csv}: a single-valued attribute is a column of value ids
 * ({@code i_year}, 0 = unknown); the MovieLens genres are one 0/1 flag column per genre named after
 * it ({@code i_Action}, ...), as in the paper's files (they are read back as the attribute
 * {@code genre}); any other multi-valued attribute (and one with
 * a single value, which a 0/1 column would turn into a flag) is a column of lists ({@code [2, 5]}).
 * Relations are {@code r_<name>} columns of item id lists ({@code also-buy} → {@code r_also_buy}).
 */
public final class ReChorusWriter {
  private ReChorusWriter() {}

  /** Writes {@code dataset} into {@code dir} (created if needed), without user source ids. */
  public static void write(Dataset dataset, Path dir) {
    write(dataset, null, Map.of(), dir);
  }

  /** Writes a prepared data set: its users' source ids and its attribute value names too. */
  public static void write(PreparedDataset prepared, Path dir) {
    write(prepared.dataset(), prepared.userIds(), prepared.valueNames(), dir);
  }

  static void write(Dataset d, String[] userIds, Map<String, List<String>> valueNames, Path dir) {
    var base = fileBaseName(d.name());
    try {
      Files.createDirectories(dir);
      refuseOtherDataSet(dir, base);
      try (var w = writer(dir.resolve("train.csv"))) {
        w.write("user_id\titem_id\ttime\n");
        for (var x : d.train()) {
          w.write(x.user() + "\t" + x.item() + "\t" + x.time() + "\n");
        }
      }
      writeHeldOut(dir.resolve("dev.csv"), d.dev());
      writeHeldOut(dir.resolve("test.csv"), d.test());
      writeMeta(dir.resolve("item_meta.csv"), d.catalog(), valueNames);
      writeTexts(dir, base, d.catalog());
      if (userIds != null) {
        try (var w = writer(dir.resolve(base + ".user2index"))) {
          for (int u = 1; u < userIds.length && u <= d.numUsers(); u++) {
            w.write(checkId(userIds[u], "user", u) + "\t" + u + "\n");
          }
        }
      } else {
        Files.deleteIfExists(dir.resolve(base + ".user2index"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the data set to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The data set's name as a file name ({@code ml-100k} → {@code ml-100k.text}). */
  static String fileBaseName(String name) {
    var s = name == null ? "" : name.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() || s.startsWith(".") ? "dataset" + s : s;
  }

  /** Another data set's text or mapping file would make the directory unreadable (two *.text). */
  private static void refuseOtherDataSet(Path dir, String base) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      var foreign = s.map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".text") || f.endsWith(".item2index") || f.endsWith(".user2index"))
          .filter(f -> !f.substring(0, f.lastIndexOf('.')).equals(base))
          .sorted().toList();
      if (!foreign.isEmpty()) {
        throw new IllegalArgumentException(dir + " already holds another data set (" + String.join(", ", foreign)
            + "); write to an empty directory or remove those files");
      }
    }
  }

  private static void writeHeldOut(Path file, List<HeldOut> rows) throws IOException {
    try (var w = writer(file)) {
      w.write("user_id\titem_id\ttime\tneg_items\n");
      for (var x : rows) {
        w.write(x.user() + "\t" + x.item() + "\t" + x.time() + "\t" + list(x.negatives()) + "\n");
      }
    }
  }

  private enum Layout { VALUE_ID, LIST, FLAGS }

  private static void writeMeta(Path file, Catalog c, Map<String, List<String>> valueNames) throws IOException {
    var attrs = c.attributes();
    var layouts = new ArrayList<Layout>();
    boolean flagsUsed = false;
    for (var a : attrs) {
      var names = valueNames.get(a.name());
      boolean multi = false;
      int max = 0;
      for (var v : a.values()) {
        multi |= v != null && v.length > 1;
        for (int x : v == null ? new int[0] : v) {
          max = Math.max(max, x);
        }
      }
      // Flag columns come back as one attribute named after them (ReChorusReader): used for the
      // MovieLens genres only, where that gives back this very attribute.
      if (!flagsUsed && a.name().equals("genre") && names != null && names.size() == a.numValues()
          && names.size() > 2 && ReChorusReader.flagAttributeName(names).equals("genre")) {
        layouts.add(Layout.FLAGS);
        flagsUsed = true;
      } else {
        layouts.add(multi || max <= 1 ? Layout.LIST : Layout.VALUE_ID);
      }
    }
    try (var w = writer(file)) {
      var header = new StringBuilder("item_id");
      // The reader places flag columns after the others: write them last, in the same order.
      for (var pass : List.of(false, true)) {
        for (int k = 0; k < attrs.size(); k++) {
          if ((layouts.get(k) == Layout.FLAGS) != pass) {
            continue;
          }
          if (pass) {
            for (var n : valueNames.get(attrs.get(k).name())) {
              header.append("\ti_").append(checkColumn(n));
            }
          } else {
            header.append("\ti_").append(checkColumn(attrs.get(k).name()));
          }
        }
      }
      for (var r : c.relations()) {
        header.append("\tr_").append(checkColumn(r.name().replace('-', '_')));
      }
      w.write(header.append('\n').toString());
      for (int i = 1; i <= c.numItems(); i++) {
        var row = new StringBuilder().append(i);
        for (var pass : List.of(false, true)) {
          for (int k = 0; k < attrs.size(); k++) {
            var layout = layouts.get(k);
            if ((layout == Layout.FLAGS) != pass) {
              continue;
            }
            var v = valuesOf(attrs.get(k), i);
            switch (layout) {
              case VALUE_ID -> row.append('\t').append(v.length == 0 ? 0 : v[0]);
              case LIST -> row.append('\t').append(list(v));
              case FLAGS -> {
                var set = new HashSet<Integer>();
                for (int x : v) {
                  set.add(x);
                }
                for (int x = 1; x <= attrs.get(k).numValues(); x++) {
                  row.append('\t').append(set.contains(x) ? 1 : 0);
                }
              }
            }
          }
        }
        for (var r : c.relations()) {
          var t = i < r.targets().length && r.targets()[i] != null ? r.targets()[i] : new int[0];
          row.append('\t').append(list(t));
        }
        w.write(row.append('\n').toString());
      }
    }
  }

  private static int[] valuesOf(Attribute a, int item) {
    return item < a.values().length && a.values()[item] != null ? a.values()[item] : new int[0];
  }

  private static void writeTexts(Path dir, String base, Catalog c) throws IOException {
    var ids = c.originalIds();
    boolean bySourceId = ids != null && ids.length > c.numItems();
    var seen = new HashSet<String>();
    for (int i = 1; bySourceId && i <= c.numItems(); i++) {
      bySourceId = ids[i] != null && !ids[i].isEmpty() && !ids[i].matches(".*[\\t\\r\\n].*")
          && seen.add(ids[i]);
    }
    try (var w = writer(dir.resolve(base + ".text"))) {
      w.write("id\ttext\n");
      for (int i = 1; i <= c.numItems(); i++) {
        w.write((bySourceId ? ids[i] : String.valueOf(i)) + "\t" + oneLine(c.text(i)) + "\n");
      }
    }
    var map = dir.resolve(base + ".item2index");
    if (bySourceId) {
      try (var w = writer(map)) {
        for (int i = 1; i <= c.numItems(); i++) {
          w.write(ids[i] + "\t" + i + "\n");
        }
      }
    } else {
      Files.deleteIfExists(map);
    }
  }

  /** Tabs and line breaks would split the record; the encoder sees them as spaces anyway. */
  private static String oneLine(String text) {
    return text.replaceAll("[\\t\\r\\n]+", " ").strip();
  }

  private static String checkId(String id, String what, int index) {
    if (id == null || id.isEmpty() || id.matches(".*[\\t\\r\\n].*")) {
      throw new IllegalArgumentException("the source id of " + what + " " + index
          + " is empty or holds a tab or line break: '" + id + "'");
    }
    return id;
  }

  private static String checkColumn(String name) {
    if (name.isEmpty() || name.matches(".*[\\t\\r\\n].*")) {
      throw new IllegalArgumentException("a column name must be non-empty, without tabs or line breaks: '" + name + "'");
    }
    return name;
  }

  static String list(int[] ids) {
    var sb = new StringBuilder("[");
    for (int k = 0; k < ids.length; k++) {
      if (k > 0) {
        sb.append(", ");
      }
      sb.append(ids[k]);
    }
    return sb.append(']').toString();
  }

  private static BufferedWriter writer(Path file) throws IOException {
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }
}
