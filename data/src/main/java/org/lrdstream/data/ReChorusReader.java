package org.lrdstream.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a data set in the ReChorus format the paper's code uses (tab-separated, ids from 1):
 * {@code train.csv} ({@code user_id item_id time}), {@code dev.csv} and {@code test.csv} (plus
 * {@code neg_items}, a list of negative item ids), {@code item_meta.csv} ({@code item_id}, discrete
 * attributes {@code i_*}, item-item relation lists {@code r_*}) and a text file {@code *.text}
 * ({@code id text}) keyed by original ids through {@code *.item2index}, or by item ids when there is
 * no such mapping. Every problem is reported with the file and the line.
 *
 * <p>An {@code i_*} column holds one value id per item (0 = unknown); when every row holds a list
 * ({@code [2, 5]}, the generic import's multi-valued attributes) it is a multi-valued attribute;
 * when there are more than two {@code i_*} columns, those holding only 0/1 are flags that together
 * make one multi-valued attribute (the MovieLens genres), placed after the other attributes.
 */
public final class ReChorusReader {

  /** Binary flag columns of MovieLens are one multi-valued attribute: genre. */
  private static final Set<String> MOVIELENS_GENRES =
      Set.of("unknown", "action", "adventure", "animation", "children's", "comedy", "crime",
          "documentary", "drama", "fantasy", "film-noir", "horror", "musical", "mystery",
          "romance", "sci-fi", "thriller", "war", "western");

  private ReChorusReader() {}

  /**
   * How {@code i_*} columns of 0/1 flags (the MovieLens genres) become relations: {@link #ONE}
   * multi-valued attribute ("share-genre", the paper's two MovieLens relations, the default), or
   * {@link #EACH} flag its own attribute ("share-Action", ..., as the reference code's reader turns
   * every {@code i_*} column into a relation: 20 on the MovieLens split).
   */
  public enum FlagColumns {
    ONE,
    EACH;

    /** {@code LRD_FLAG_COLUMNS} (one or each), else {@link #ONE}. */
    public static FlagColumns fromEnvironment() {
      var v = System.getenv("LRD_FLAG_COLUMNS");
      if (v == null || v.isBlank()) {
        return ONE;
      }
      try {
        return valueOf(v.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("LRD_FLAG_COLUMNS must be one or each, got '" + v + "'");
      }
    }
  }

  /** Reads a data set, flag columns as {@link FlagColumns#fromEnvironment()} says. */
  public static Dataset read(Path dir) {
    return read(dir, FlagColumns.fromEnvironment());
  }

  public static Dataset read(Path dir, FlagColumns flags) {
    if (!Files.isDirectory(dir)) {
      throw new DataFormatException(dir, 0, "not a directory (expected a ReChorus data set: train.csv, dev.csv, test.csv, item_meta.csv, *.text)");
    }
    var train = readInteractions(dir.resolve("train.csv"));
    var dev = readHeldOut(dir.resolve("dev.csv"));
    var test = readHeldOut(dir.resolve("test.csv"));
    var meta = readMeta(dir.resolve("item_meta.csv"));
    meta.flagsEach = flags == FlagColumns.EACH;

    int numItems = meta.maxItem;
    int numUsers = 0;
    for (var x : train) {
      numItems = Math.max(numItems, x.item());
      numUsers = Math.max(numUsers, x.user());
    }
    for (var rows : List.of(dev, test)) {
      for (var r : rows.rows) {
        numUsers = Math.max(numUsers, r.user());
      }
    }
    checkItems(dir.resolve("dev.csv"), dev, numItems);
    checkItems(dir.resolve("test.csv"), test, numItems);

    var texts = new String[numItems + 1];
    var originalIds = new String[numItems + 1];
    readTexts(dir, numItems, texts, originalIds);
    var catalog = meta.toCatalog(numItems, texts, originalIds);
    var name = dir.toAbsolutePath().normalize().getFileName().toString();
    return new Dataset(name, numUsers, numItems, train, dev.rows, test.rows, catalog);
  }

  // ---- interactions -------------------------------------------------------------------------

  static List<Interaction> readInteractions(Path file) {
    var out = new ArrayList<Interaction>();
    try (var lines = new Lines(file)) {
      var header = lines.header();
      var cols = Columns.of(file, header, "user_id", "item_id", "time");
      String[] f;
      while ((f = lines.next()) != null) {
        out.add(new Interaction(
            lines.parseId(f, cols.at("user_id"), "user_id"),
            lines.parseId(f, cols.at("item_id"), "item_id"),
            lines.parseLong(f, cols.at("time"), "time")));
      }
    }
    return out;
  }

  private record HeldOutRows(List<HeldOut> rows, List<Long> lineNumbers) {}

  private static HeldOutRows readHeldOut(Path file) {
    var rows = new ArrayList<HeldOut>();
    var lineNumbers = new ArrayList<Long>();
    try (var lines = new Lines(file)) {
      var cols = Columns.of(file, lines.header(), "user_id", "item_id", "time", "neg_items");
      String[] f;
      while ((f = lines.next()) != null) {
        rows.add(new HeldOut(
            lines.parseId(f, cols.at("user_id"), "user_id"),
            lines.parseId(f, cols.at("item_id"), "item_id"),
            lines.parseLong(f, cols.at("time"), "time"),
            lines.parseIdList(f, cols.at("neg_items"), "neg_items")));
        lineNumbers.add(lines.lineNumber());
      }
    }
    return new HeldOutRows(rows, lineNumbers);
  }

  private static void checkItems(Path file, HeldOutRows rows, int numItems) {
    for (int k = 0; k < rows.rows.size(); k++) {
      var r = rows.rows.get(k);
      if (r.item() > numItems) {
        throw new DataFormatException(file, rows.lineNumbers.get(k),
            "unknown item id " + r.item() + " (not in train.csv nor item_meta.csv; items are 1.." + numItems + ")");
      }
      for (int n : r.negatives()) {
        if (n > numItems) {
          throw new DataFormatException(file, rows.lineNumbers.get(k),
              "unknown negative item id " + n + " (items are 1.." + numItems + ")");
        }
      }
    }
  }

  // ---- item meta ----------------------------------------------------------------------------

  private static final class Meta {
    int maxItem;
    final List<String> attrNames = new ArrayList<>();
    final List<Map<Integer, int[]>> attrValues = new ArrayList<>();
    final List<String> flagNames = new ArrayList<>();
    final List<Map<Integer, Integer>> flagValues = new ArrayList<>();
    final List<String> relNames = new ArrayList<>();
    final List<Map<Integer, int[]>> relTargets = new ArrayList<>();
    boolean flagsEach;

    Catalog toCatalog(int numItems, String[] texts, String[] originalIds) {
      var attributes = new ArrayList<Attribute>();
      for (int a = 0; a < attrNames.size(); a++) {
        var values = new int[numItems + 1][];
        int maxValue = 0;
        for (int i = 0; i <= numItems; i++) {
          int[] v = attrValues.get(a).get(i);
          values[i] = v == null ? new int[0] : v;
          for (int x : values[i]) {
            maxValue = Math.max(maxValue, x);
          }
        }
        attributes.add(new Attribute(attrNames.get(a), maxValue, values));
      }
      if (flagsEach) {
        for (int c = 0; c < flagNames.size(); c++) {
          var values = new int[numItems + 1][];
          for (int i = 0; i <= numItems; i++) {
            Integer v = flagValues.get(c).get(i);
            values[i] = v != null && v != 0 ? new int[] {1} : new int[0];
          }
          attributes.add(new Attribute(flagNames.get(c), 1, values));
        }
      } else if (!flagNames.isEmpty()) {
        var values = new int[numItems + 1][];
        for (int i = 0; i <= numItems; i++) {
          var set = new ArrayList<Integer>();
          for (int c = 0; c < flagNames.size(); c++) {
            Integer v = flagValues.get(c).get(i);
            if (v != null && v != 0) {
              set.add(c + 1);
            }
          }
          values[i] = set.stream().mapToInt(Integer::intValue).toArray();
        }
        attributes.add(new Attribute(flagAttributeName(flagNames), flagNames.size(), values));
      }
      var relations = new ArrayList<ItemRelation>();
      for (int r = 0; r < relNames.size(); r++) {
        var targets = new int[numItems + 1][];
        for (int i = 0; i <= numItems; i++) {
          targets[i] = relTargets.get(r).getOrDefault(i, new int[0]);
        }
        relations.add(new ItemRelation(relNames.get(r), targets));
      }
      return new Catalog(numItems, texts, originalIds, attributes, relations);
    }
  }

  /**
   * The name of the one multi-valued attribute that columns of 0/1 flags make: "genre" for the
   * MovieLens genres, "tag" otherwise.
   */
  static String flagAttributeName(List<String> flagNames) {
    boolean genres = flagNames.stream()
        .allMatch(n -> MOVIELENS_GENRES.contains(n.toLowerCase(Locale.ROOT)));
    return genres ? "genre" : "tag";
  }

  private static Meta readMeta(Path file) {
    var meta = new Meta();
    try (var lines = new Lines(file)) {
      var header = lines.header();
      var cols = Columns.of(file, header, "item_id");
      // A column of 0/1 flags belongs to a multi-valued attribute (MovieLens genres); decided on
      // the whole file, so first collect the rows.
      var rows = new ArrayList<String[]>();
      var lineNos = new ArrayList<Long>();
      String[] f;
      while ((f = lines.next()) != null) {
        rows.add(f);
        lineNos.add(lines.lineNumber());
      }
      var attrCols = new ArrayList<Integer>();
      var relCols = new ArrayList<Integer>();
      for (int c = 0; c < header.length; c++) {
        if (header[c].startsWith("i_")) {
          attrCols.add(c);
        } else if (header[c].startsWith("r_")) {
          relCols.add(c);
        }
      }
      var binary = new ArrayList<Integer>();
      var discrete = new ArrayList<Integer>();
      var lists = new java.util.HashSet<Integer>();
      for (int c : attrCols) {
        final int col = c;
        // A column of lists ("[3, 7]") is a multi-valued attribute of its own (generic import).
        boolean isList = !rows.isEmpty()
            && rows.stream().allMatch(r -> col < r.length && r[col].strip().startsWith("["));
        boolean isFlag = !isList
            && rows.stream().allMatch(r -> col < r.length && (r[col].equals("0") || r[col].equals("1")));
        if (isList) {
          lists.add(c);
        }
        (isFlag && attrCols.size() > 2 ? binary : discrete).add(c);
      }
      for (int c : discrete) {
        meta.attrNames.add(header[c].substring(2));
        meta.attrValues.add(new HashMap<>());
      }
      for (int c : binary) {
        meta.flagNames.add(header[c].substring(2));
        meta.flagValues.add(new HashMap<>());
      }
      for (int c : relCols) {
        meta.relNames.add(relationName(header[c].substring(2)));
        meta.relTargets.add(new HashMap<>());
      }
      for (int k = 0; k < rows.size(); k++) {
        var row = rows.get(k);
        long line = lineNos.get(k);
        int item = Lines.parseId(file, line, row, cols.at("item_id"), "item_id");
        meta.maxItem = Math.max(meta.maxItem, item);
        for (int a = 0; a < discrete.size(); a++) {
          int c = discrete.get(a);
          if (lists.contains(c)) {
            meta.attrValues.get(a).put(item, Lines.parseIdList(file, line, row, c, header[c]));
          } else {
            long v = Lines.parseLong(file, line, row, c, header[c]);
            if (v < 0 || v > Integer.MAX_VALUE) {
              throw new DataFormatException(file, line, header[c] + " must be a value id >= 0 (0 = unknown), got " + v);
            }
            // 0 is "unknown" in the published files: unknown values relate nothing.
            meta.attrValues.get(a).put(item, v == 0 ? new int[0] : new int[] {(int) v});
          }
        }
        for (int a = 0; a < binary.size(); a++) {
          int c = binary.get(a);
          meta.flagValues.get(a).put(item, (int) Lines.parseLong(file, line, row, c, header[c]));
        }
        for (int r = 0; r < relCols.size(); r++) {
          int c = relCols.get(r);
          meta.relTargets.get(r).put(item, Lines.parseIdList(file, line, row, c, header[c]));
        }
      }
      for (int r = 0; r < relCols.size(); r++) {
        for (var e : meta.relTargets.get(r).entrySet()) {
          for (int t : e.getValue()) {
            meta.maxItem = Math.max(meta.maxItem, t);
          }
        }
      }
    }
    return meta;
  }

  /** The paper's names for the Amazon relation lists. */
  static String relationName(String column) {
    return switch (column) {
      case "complement" -> "also-buy";
      case "substitute" -> "also-view";
      default -> column.replace('_', '-');
    };
  }

  // ---- texts --------------------------------------------------------------------------------

  private static void readTexts(Path dir, int numItems, String[] texts, String[] originalIds) {
    Path textFile = single(dir, ".text");
    if (textFile == null) {
      throw new DataFormatException(dir, 0, "no item text file (*.text) in the data set: the text encoder needs one");
    }
    Path mapFile = single(dir, ".item2index");
    Map<String, Integer> mapping = null;
    if (mapFile != null) {
      mapping = new HashMap<>();
      try (var lines = new Lines(mapFile)) {
        String[] f;
        while ((f = lines.nextRaw()) != null) {
          if (lines.lineNumber() == 1 && f.length >= 2 && !f[1].chars().allMatch(Character::isDigit)) {
            continue; // a header line
          }
          if (f.length < 2) {
            throw new DataFormatException(mapFile, lines.lineNumber(), "expected '<original id><TAB><item id>'");
          }
          int item = lines.parseId(f, 1, "item id");
          mapping.put(f[0], item);
          if (item <= numItems) {
            originalIds[item] = f[0];
          }
        }
      }
    }
    try (var lines = new Lines(textFile)) {
      String[] f;
      while ((f = lines.nextRaw()) != null) {
        if (lines.lineNumber() == 1 && f.length >= 2 && f[0].equals("id") && f[1].equals("text")) {
          continue;
        }
        if (f.length < 2) {
          throw new DataFormatException(textFile, lines.lineNumber(), "expected '<id><TAB><text>'");
        }
        Integer item;
        if (mapping != null) {
          item = mapping.get(f[0]);
          if (item == null) {
            continue; // a text for an item that is not part of the data set
          }
        } else {
          item = lines.parseId(f, 0, "id");
          originalIds[item <= numItems ? item : 0] = f[0];
        }
        if (item <= numItems) {
          texts[item] = String.join(" ", java.util.Arrays.copyOfRange(f, 1, f.length)).strip();
        }
      }
    }
  }

  private static Path single(Path dir, String suffix) {
    try (Stream<Path> s = Files.list(dir)) {
      var found = s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
      if (found.size() > 1) {
        throw new DataFormatException(dir, 0, "more than one *" + suffix + " file: " + found);
      }
      return found.isEmpty() ? null : found.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  // ---- line reading with positions ----------------------------------------------------------

  private record Columns(Path file, Map<String, Integer> index) {
    static Columns of(Path file, String[] header, String... required) {
      var index = new HashMap<String, Integer>();
      for (int c = 0; c < header.length; c++) {
        index.put(header[c].strip(), c);
      }
      for (var r : required) {
        if (!index.containsKey(r)) {
          throw new DataFormatException(file, 1,
              "missing column '" + r + "' (header has " + String.join(", ", header) + "; the file must be tab-separated)");
        }
      }
      return new Columns(file, index);
    }

    int at(String name) {
      return index.get(name);
    }
  }

  /** Tab-separated lines of one file, with the current line number for error messages. */
  static final class Lines implements AutoCloseable {
    private final Path file;
    private final BufferedReader reader;
    private long lineNumber;
    private int width = -1;

    Lines(Path file) {
      this.file = file;
      try {
        this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new DataFormatException(file, 0, "file not found");
      } catch (IOException e) {
        throw new DataFormatException(file, 0, "cannot open: " + e.getMessage());
      }
    }

    String[] header() {
      var h = nextRaw();
      if (h == null) {
        throw new DataFormatException(file, 0, "empty file (expected a header line)");
      }
      width = h.length;
      return h;
    }

    /** The next non-empty data line, checked to have as many fields as the header. */
    String[] next() {
      var f = nextRaw();
      if (f != null && width >= 0 && f.length != width) {
        throw new DataFormatException(file, lineNumber,
            "expected " + width + " tab-separated fields, found " + f.length);
      }
      return f;
    }

    String[] nextRaw() {
      try {
        String line;
        do {
          line = reader.readLine();
          if (line == null) {
            return null;
          }
          lineNumber++;
        } while (line.isBlank());
        return line.split("\t", -1);
      } catch (IOException e) {
        throw new DataFormatException(file, lineNumber, "read failed: " + e.getMessage());
      }
    }

    long lineNumber() {
      return lineNumber;
    }

    int parseId(String[] f, int col, String what) {
      return parseId(file, lineNumber, f, col, what);
    }

    long parseLong(String[] f, int col, String what) {
      return parseLong(file, lineNumber, f, col, what);
    }

    int[] parseIdList(String[] f, int col, String what) {
      return parseIdList(file, lineNumber, f, col, what);
    }

    static int parseId(Path file, long line, String[] f, int col, String what) {
      long v = parseLong(file, line, f, col, what);
      if (v < 1 || v > Integer.MAX_VALUE) {
        throw new DataFormatException(file, line, what + " must be a positive id, got " + v);
      }
      return (int) v;
    }

    static long parseLong(Path file, long line, String[] f, int col, String what) {
      if (col >= f.length) {
        throw new DataFormatException(file, line, "missing field " + what);
      }
      try {
        return Long.parseLong(f[col].strip());
      } catch (NumberFormatException e) {
        throw new DataFormatException(file, line, what + " is not an integer: '" + f[col] + "'");
      }
    }

    static int[] parseIdList(Path file, long line, String[] f, int col, String what) {
      if (col >= f.length) {
        throw new DataFormatException(file, line, "missing field " + what);
      }
      var s = f[col].strip();
      if (!s.startsWith("[") || !s.endsWith("]")) {
        throw new DataFormatException(file, line, what + " must be a list like [1, 2, 3], got '" + abbreviate(s) + "'");
      }
      s = s.substring(1, s.length() - 1).strip();
      if (s.isEmpty()) {
        return new int[0];
      }
      var parts = s.split(",");
      var out = new int[parts.length];
      for (int k = 0; k < parts.length; k++) {
        try {
          out[k] = Integer.parseInt(parts[k].strip());
        } catch (NumberFormatException e) {
          throw new DataFormatException(file, line, what + " has a non-integer entry '" + parts[k].strip() + "'");
        }
        if (out[k] < 1) {
          throw new DataFormatException(file, line, what + " has an invalid item id " + out[k]);
        }
      }
      return out;
    }

    private static String abbreviate(String s) {
      return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    @Override
    public void close() {
      try {
        reader.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
