package org.lrdstream.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A user's own data set: interactions (CSV with the header {@code user,item,timestamp}, or JSONL
 * {@code {"user": "...", "item": "...", "ts": ...}}) and an item catalog (JSONL
 * {@code {"item": "...", "text": "...", "attributes": {"category": "...", "tags": ["a", "b"]},
 * "relations": {"also_buy": ["id", ...]}}}), with string ids, made into a {@link Dataset} with the
 * paper's protocol ({@link LeaveOneOutSplitter}).
 *
 * <p>Each attribute becomes a predefined relation {@code share-<name>}; its values get ids
 * 1.. in sorted order (an array makes the attribute multi-valued). Each relation list becomes a
 * relation ({@code also_buy} → {@code also-buy}); targets outside the data set are dropped. Items
 * without a catalog line get an empty text and no attributes. Every malformed line is reported as
 * a {@link DataFormatException} with its file and line.
 */
public final class GenericImport {
  public static final int DEFAULT_MIN_COUNT = 5;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TIME_COLUMNS = List.of("timestamp", "ts", "time");

  private GenericImport() {}

  public static PreparedDataset read(Path interactions, Path items, int minCount, long seed, String name) {
    var rows = readInteractions(interactions);
    var catalog = readCatalog(items);
    if (rows.isEmpty()) {
      throw new DataFormatException(interactions, 0, "no interactions");
    }
    LeaveOneOutSplit split;
    try {
      split = LeaveOneOutSplitter.split(rows, minCount, seed);
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(interactions, 0, e.getMessage());
    }
    var notes = new ArrayList<String>();
    var c = buildCatalog(split, catalog, notes);
    var dataset = new Dataset(name, split.numUsers(), split.numItems(), split.train(), split.dev(), split.test(), c.catalog);
    var counts = split.counts();
    notes.add(0, String.format(Locale.ROOT,
        "%,d interactions read, %,d duplicates dropped, %,d kept by the %d-core (%d round%s)",
        counts.rawRows(), counts.duplicatesDropped(), counts.interactionsKept(), minCount, counts.coreRounds(),
        counts.coreRounds() == 1 ? "" : "s"));
    return new PreparedDataset(dataset, split.userIds(), c.valueNames, counts, List.copyOf(notes));
  }

  // ---- interactions ---------------------------------------------------------------------------

  static List<RawInteraction> readInteractions(Path file) {
    var name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return readCsv(file);
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      return readJsonl(file);
    }
    throw new DataFormatException(file, 0, "unknown interactions format: expected a .csv file (header user,item,timestamp)"
        + " or a .jsonl file (one {\"user\": ..., \"item\": ..., \"ts\": ...} per line)");
  }

  private static List<RawInteraction> readCsv(Path file) {
    var rows = new ArrayList<RawInteraction>();
    try (var r = open(file)) {
      String line;
      long no = 0;
      String[] header = null;
      int user = -1;
      int item = -1;
      int time = -1;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isBlank()) {
          continue;
        }
        var f = splitCsv(file, no, no == 1 ? line.replace("\uFEFF", "") : line);
        if (header == null) {
          header = f;
          for (int k = 0; k < f.length; k++) {
            var h = f[k].strip().toLowerCase(Locale.ROOT);
            if (h.equals("user")) {
              user = k;
            } else if (h.equals("item")) {
              item = k;
            } else if (TIME_COLUMNS.contains(h) && time < 0) {
              time = k;
            }
          }
          if (user < 0 || item < 0 || time < 0) {
            throw new DataFormatException(file, no, "expected the header user,item,timestamp, got '" + line.strip() + "'");
          }
          continue;
        }
        if (f.length != header.length) {
          throw new DataFormatException(file, no, "expected " + header.length + " comma-separated fields, found " + f.length);
        }
        rows.add(new RawInteraction(id(file, no, f[user], "user"), id(file, no, f[item], "item"), millis(file, no, f[time])));
      }
      if (header == null) {
        throw new DataFormatException(file, 0, "empty file (expected the header user,item,timestamp)");
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new DataFormatException(file, 0, "not UTF-8 text");
    } catch (IOException e) {
      throw new DataFormatException(file, 0, "read failed: " + e.getMessage());
    }
    return rows;
  }

  /** One CSV record on one line; fields may be quoted ("a, b"), with "" for a quote. */
  static String[] splitCsv(Path file, long no, String line) {
    var out = new ArrayList<String>();
    var sb = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int k = 0; k < line.length(); k++) {
      char ch = line.charAt(k);
      if (quoted) {
        if (ch == '"') {
          if (k + 1 < line.length() && line.charAt(k + 1) == '"') {
            sb.append('"');
            k++;
          } else {
            quoted = false;
          }
        } else {
          sb.append(ch);
        }
      } else if (ch == '"' && sb.toString().isBlank() && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
        sb.setLength(0);
      } else if (ch == ',') {
        out.add(sb.toString());
        sb.setLength(0);
        wasQuoted = false;
      } else {
        sb.append(ch);
      }
    }
    if (quoted) {
      throw new DataFormatException(file, no, "unterminated quoted field");
    }
    out.add(sb.toString());
    return out.toArray(String[]::new);
  }

  private static List<RawInteraction> readJsonl(Path file) {
    var rows = new ArrayList<RawInteraction>();
    try (var r = open(file)) {
      String line;
      long no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isBlank()) {
          continue;
        }
        var o = object(file, no, line);
        var ts = o.has("ts") ? o.get("ts") : o.get("timestamp");
        if (ts == null || ts.isNull()) {
          throw new DataFormatException(file, no, "missing \"ts\" (epoch seconds, epoch milliseconds or ISO-8601)");
        }
        if (!ts.isNumber() && !ts.isTextual()) {
          throw new DataFormatException(file, no, "\"ts\" must be a number or a string, got " + ts);
        }
        rows.add(new RawInteraction(idField(file, no, o, "user"), idField(file, no, o, "item"), millis(file, no, ts.asText())));
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new DataFormatException(file, 0, "not UTF-8 text");
    } catch (IOException e) {
      throw new DataFormatException(file, 0, "read failed: " + e.getMessage());
    }
    return rows;
  }

  private static long millis(Path file, long no, String s) {
    try {
      return Timestamps.toEpochMillis(s);
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(file, no, e.getMessage());
    }
  }

  // ---- catalog --------------------------------------------------------------------------------

  record CatalogEntry(String text, Map<String, List<String>> attributes, Map<String, List<String>> relations) {}

  static Map<String, CatalogEntry> readCatalog(Path file) {
    var entries = new HashMap<String, CatalogEntry>();
    var firstLine = new HashMap<String, Long>();
    var relationKeys = new HashMap<String, String>();
    try (var r = open(file)) {
      String line;
      long no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isBlank()) {
          continue;
        }
        var o = object(file, no, line);
        var item = idField(file, no, o, "item");
        var text = o.get("text");
        if (text != null && !text.isNull() && !text.isTextual()) {
          throw new DataFormatException(file, no, "\"text\" must be a string, got " + abbreviate(text.toString()));
        }
        var attributes = new TreeMap<String, List<String>>();
        for (var e : fields(file, no, o, "attributes")) {
          var v = e.getValue();
          var values = new ArrayList<String>();
          // A blank value is as good as none: it must not relate all items that lack the attribute.
          for (var x : v.isArray() ? (Iterable<JsonNode>) v::elements : List.of(v)) {
            if (!x.isNull()) {
              var value = scalar(file, no, x, "attribute \"" + e.getKey() + "\"").strip();
              if (!value.isEmpty()) {
                values.add(value);
              }
            }
          }
          attributes.put(columnName(file, no, e.getKey(), "attribute"), values);
        }
        var relations = new TreeMap<String, List<String>>();
        for (var e : fields(file, no, o, "relations")) {
          var v = e.getValue();
          if (!v.isArray() && !v.isNull()) {
            throw new DataFormatException(file, no, "relation \"" + e.getKey() + "\" must be a list of item ids, got "
                + abbreviate(v.toString()));
          }
          var name = ReChorusReader.relationName(columnName(file, no, e.getKey(), "relation"));
          var earlier = relationKeys.putIfAbsent(name, e.getKey());
          if (earlier != null && !earlier.equals(e.getKey())) {
            throw new DataFormatException(file, no, "relations \"" + earlier + "\" and \"" + e.getKey()
                + "\" would both be named " + name + "; rename one");
          }
          var targets = new ArrayList<String>();
          for (var x : v.isNull() ? List.<JsonNode>of() : (Iterable<JsonNode>) v::elements) {
            if (!x.isTextual() && !x.isIntegralNumber()) {
              throw new DataFormatException(file, no, "relation \"" + e.getKey() + "\" holds " + abbreviate(x.toString())
                  + "; item ids are strings or integers");
            }
            targets.add(x.asText());
          }
          relations.put(name, targets);
        }
        if (entries.put(item, new CatalogEntry(text == null || text.isNull() ? "" : text.asText(), attributes, relations)) != null) {
          throw new DataFormatException(file, no, "item '" + item + "' is listed twice (first on line " + firstLine.get(item) + ")");
        }
        firstLine.put(item, no);
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new DataFormatException(file, 0, "not UTF-8 text");
    } catch (IOException e) {
      throw new DataFormatException(file, 0, "read failed: " + e.getMessage());
    }
    return entries;
  }

  private record Built(Catalog catalog, Map<String, List<String>> valueNames) {}

  private static Built buildCatalog(LeaveOneOutSplit split, Map<String, CatalogEntry> entries, List<String> notes) {
    int n = split.numItems();
    var ids = split.itemIds();
    var index = new HashMap<String, Integer>();
    for (int i = 1; i <= n; i++) {
      index.put(ids[i], i);
    }
    var texts = new String[n + 1];
    var entryOf = new CatalogEntry[n + 1];
    int missing = 0;
    var attrNames = new TreeSet<String>();
    var relNames = new TreeSet<String>();
    for (int i = 1; i <= n; i++) {
      entryOf[i] = entries.get(ids[i]);
      if (entryOf[i] == null) {
        missing++;
        texts[i] = "";
        continue;
      }
      // One line of text, as the ReChorus text file stores it and the encoder sees it.
      texts[i] = entryOf[i].text().replaceAll("\\s+", " ").strip();
      attrNames.addAll(entryOf[i].attributes().keySet());
      relNames.addAll(entryOf[i].relations().keySet());
    }
    if (missing > 0) {
      notes.add(String.format(Locale.ROOT, "%,d of %,d items have no catalog line: empty text, no attributes", missing, n));
    }
    int unused = (int) entries.keySet().stream().filter(k -> !index.containsKey(k)).count();
    if (unused > 0) {
      notes.add(String.format(Locale.ROOT, "%,d catalog items have no interactions left and are left out", unused));
    }

    var attributes = new ArrayList<Attribute>();
    var valueNames = new LinkedHashMap<String, List<String>>();
    for (var a : attrNames) {
      var all = new ArrayList<String>();
      for (int i = 1; i <= n; i++) {
        if (entryOf[i] != null) {
          all.addAll(entryOf[i].attributes().getOrDefault(a, List.of()));
        }
      }
      var sorted = all.isEmpty() ? new String[] {null} : LeaveOneOutSplitter.sortedIds(all);
      var valueId = new HashMap<String, Integer>();
      for (int k = 1; k < sorted.length; k++) {
        valueId.put(sorted[k], k);
      }
      var values = new int[n + 1][];
      values[0] = new int[0];
      for (int i = 1; i <= n; i++) {
        var vs = entryOf[i] == null ? List.<String>of() : entryOf[i].attributes().getOrDefault(a, List.of());
        values[i] = vs.stream().mapToInt(valueId::get).distinct().sorted().toArray();
      }
      attributes.add(new Attribute(a, sorted.length - 1, values));
      valueNames.put(a, List.of(Arrays.copyOfRange(sorted, 1, sorted.length)));
    }

    var relations = new ArrayList<ItemRelation>();
    long dropped = 0;
    for (var r : relNames) {
      var targets = new int[n + 1][];
      targets[0] = new int[0];
      for (int i = 1; i <= n; i++) {
        var ts = entryOf[i] == null ? List.<String>of() : entryOf[i].relations().getOrDefault(r, List.of());
        var kept = new LinkedHashSet<Integer>();
        for (var t : ts) {
          var j = index.get(t);
          if (j == null) {
            dropped++;
          } else {
            kept.add(j);
          }
        }
        targets[i] = kept.stream().mapToInt(Integer::intValue).toArray();
      }
      relations.add(new ItemRelation(r, targets));
    }
    if (dropped > 0) {
      notes.add(String.format(Locale.ROOT, "%,d relation targets are not items of the data set and are dropped", dropped));
    }
    return new Built(new Catalog(n, texts, ids.clone(), List.copyOf(attributes), List.copyOf(relations)), valueNames);
  }

  // ---- JSON helpers ---------------------------------------------------------------------------

  private static JsonNode object(Path file, long no, String line) {
    JsonNode o;
    try {
      o = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new DataFormatException(file, no, "not valid JSON: " + e.getOriginalMessage());
    }
    if (o == null || !o.isObject()) {
      throw new DataFormatException(file, no, "expected one JSON object per line, got " + abbreviate(line.strip()));
    }
    return o;
  }

  private static Iterable<Map.Entry<String, JsonNode>> fields(Path file, long no, JsonNode o, String key) {
    var v = o.get(key);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isObject()) {
      throw new DataFormatException(file, no, "\"" + key + "\" must be an object, got " + abbreviate(v.toString()));
    }
    return v.properties();
  }

  private static String idField(Path file, long no, JsonNode o, String key) {
    var v = o.get(key);
    if (v == null || v.isNull()) {
      throw new DataFormatException(file, no, "missing \"" + key + "\"");
    }
    if (!v.isTextual() && !v.isIntegralNumber()) {
      throw new DataFormatException(file, no, "\"" + key + "\" must be a string or an integer, got " + abbreviate(v.toString()));
    }
    return id(file, no, v.asText(), key);
  }

  private static String scalar(Path file, long no, JsonNode v, String what) {
    if (!v.isValueNode() || v.isNull()) {
      throw new DataFormatException(file, no, what + " values must be strings, numbers or booleans, got " + abbreviate(v.toString()));
    }
    return v.asText();
  }

  private static String id(Path file, long no, String raw, String what) {
    var s = raw.strip();
    if (s.isEmpty()) {
      throw new DataFormatException(file, no, "empty " + what + " id");
    }
    if (s.matches(".*[\\t\\r\\n].*")) {
      throw new DataFormatException(file, no, what + " id '" + s + "' holds a tab or line break");
    }
    return s;
  }

  private static String columnName(Path file, long no, String name, String what) {
    if (name.isBlank() || name.matches(".*[\\t\\r\\n].*")) {
      throw new DataFormatException(file, no, what + " name '" + name + "' must be non-empty, without tabs or line breaks");
    }
    return name.strip();
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  private static BufferedReader open(Path file) {
    try {
      return Files.newBufferedReader(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new DataFormatException(file, 0, "file not found");
    } catch (IOException e) {
      throw new DataFormatException(file, 0, "cannot open: " + e.getMessage());
    }
  }
}
