package org.lrdstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenericImportTest {
  @TempDir Path tmp;

  /** One interaction of the little shop below; {@code form} picks how its time is written. */
  record Row(String user, String item, long seconds) {}

  /**
   * Seven users u1..u7 and eight items B001..B008: user j has every item but B00j, one a day.
   * Around them: user "w" whose fifth item "rare" has only two interactions, so the 5-core drops
   * "rare" first and then "w" (two rounds of removal), and user "lonely" with three interactions.
   */
  static List<Row> rows() {
    var rows = new ArrayList<Row>();
    long t0 = 1_600_000_000L;
    for (int j = 1; j <= 7; j++) {
      int day = 0;
      for (int k = 1; k <= 8; k++) {
        if (k != j) {
          rows.add(new Row("u" + j, "B00" + k, t0 + 86_400L * day++ + j));
        }
      }
    }
    for (int k = 1; k <= 4; k++) {
      rows.add(new Row("w", "B00" + k, t0 + 10 * k));
    }
    rows.add(new Row("w", "rare", t0 + 50));
    rows.add(new Row("u1", "rare", t0 + 60));
    for (int k = 1; k <= 3; k++) {
      rows.add(new Row("lonely", "B00" + k, t0 + 70 + k));
    }
    rows.add(new Row("u3", "B001", t0 + 3)); // a duplicate of u3's first row
    return rows;
  }

  /** Times as epoch seconds, epoch milliseconds and ISO-8601, in turn. */
  static String time(Row r, int k, boolean quoted) {
    return switch (k % 3) {
      case 0 -> String.valueOf(r.seconds());
      case 1 -> String.valueOf(r.seconds() * 1000);
      default -> quoted ? "\"" + Instant.ofEpochSecond(r.seconds()) + "\"" : Instant.ofEpochSecond(r.seconds()).toString();
    };
  }

  Path csv() throws IOException {
    var lines = new ArrayList<String>();
    lines.add("user,item,timestamp");
    var rows = rows();
    for (int k = 0; k < rows.size(); k++) {
      lines.add(rows.get(k).user() + "," + rows.get(k).item() + "," + time(rows.get(k), k, false));
    }
    return Files.write(tmp.resolve("events.csv"), lines);
  }

  Path jsonl() throws IOException {
    var lines = new ArrayList<String>();
    var rows = rows();
    for (int k = 0; k < rows.size(); k++) {
      var r = rows.get(k);
      lines.add("{\"user\": \"" + r.user() + "\", \"item\": \"" + r.item() + "\", \"ts\": " + time(r, k + 1, true) + "}");
    }
    return Files.write(tmp.resolve("events.jsonl"), lines);
  }

  Path items() throws IOException {
    var lines = new ArrayList<String>();
    for (int k = 1; k <= 8; k++) {
      var category = k <= 4 ? "pens" : "paper";
      var tags = k % 2 == 0 ? "[\"blue\", \"office\"]" : "[\"office\"]";
      var also = k < 8 ? "[\"B00" + (k + 1) + "\", \"B999\"]" : "[]";
      lines.add("{\"item\": \"B00" + k + "\", \"text\": \"Item " + k + "\\tfor the\\noffice\", "
          + "\"attributes\": {\"category\": \"" + category + "\", \"tags\": " + tags + "}, "
          + "\"relations\": {\"also_buy\": " + also + "}}");
    }
    lines.add("{\"item\": \"rare\", \"text\": \"A rare item\"}");
    return Files.write(tmp.resolve("items.jsonl"), lines);
  }

  @Test
  void importsCsvWithTheProtocol() throws IOException {
    var p = GenericImport.read(csv(), items(), 5, 0, "shop");
    var d = p.dataset();
    assertThat(d.numUsers()).isEqualTo(7);
    assertThat(d.numItems()).isEqualTo(8);
    assertThat(p.userIds()).containsExactly(null, "u1", "u2", "u3", "u4", "u5", "u6", "u7");
    assertThat(d.catalog().originalIds()).containsExactly(null, "B001", "B002", "B003", "B004", "B005", "B006", "B007", "B008");
    assertThat(p.counts().duplicatesDropped()).isEqualTo(1);
    assertThat(p.counts().coreRounds()).as("rare, then w, then stable").isEqualTo(3);
    assertThat(d.train().size() + d.dev().size() + d.test().size()).isEqualTo(49);
    for (var rows : List.of(d.dev(), d.test())) {
      assertThat(rows).hasSize(7);
      for (var r : rows) {
        // user j's only untouched item is B00j = item j
        assertThat(r.negatives()).hasSize(99).containsOnly(r.user());
      }
    }
    var lastOfU1 = d.test().stream().filter(r -> r.user() == 1).findFirst().orElseThrow();
    assertThat(lastOfU1.item()).isEqualTo(8);
    assertThat(lastOfU1.time()).isEqualTo(1_600_000_000L + 86_400L * 6 + 1);
    assertThat(d.catalog().text(1)).as("tabs and line breaks become spaces").isEqualTo("Item 1 for the office");
    assertThat(d.catalog().predefinedRelationNames()).containsExactly("share-category", "share-tags", "also-buy");
    var category = d.catalog().attributes().get(0);
    assertThat(category.numValues()).isEqualTo(2);
    assertThat(p.valueNames().get("category")).containsExactly("paper", "pens");
    assertThat(category.values()[1]).containsExactly(2);
    assertThat(category.values()[5]).containsExactly(1);
    assertThat(category.tripletCount()).isEqualTo(4 * 3 * 2);
    var tags = d.catalog().attributes().get(1);
    assertThat(tags.values()[2]).containsExactly(1, 2);
    assertThat(tags.tripletCount()).isEqualTo(8 * 7);
    var also = d.catalog().relations().get(0);
    assertThat(also.targets()[1]).containsExactly(2);
    assertThat(also.tripletCount()).isEqualTo(7);
    assertThat(p.notes()).anyMatch(n -> n.contains("7 relation targets are not items of the data set"))
        .anyMatch(n -> n.contains("1 catalog items have no interactions left"));
  }

  @Test
  void jsonlGivesTheSameDataSetAsCsv() throws IOException {
    var fromCsv = GenericImport.read(csv(), items(), 5, 0, "shop").dataset();
    var fromJsonl = GenericImport.read(jsonl(), items(), 5, 0, "shop").dataset();
    SameData.assertSameData(fromJsonl, fromCsv);
  }

  @Test
  void roundTripsThroughTheReChorusFormatWithMappings() throws IOException {
    var p = GenericImport.read(csv(), items(), 5, 0, "shop");
    var dir = tmp.resolve("shop");
    ReChorusWriter.write(p, dir);
    var back = ReChorusReader.read(dir);
    SameData.assertSameData(back, p.dataset());
    assertThat(Files.readAllLines(dir.resolve("shop.user2index"))).startsWith("u1\t1", "u2\t2");
    assertThat(Files.readAllLines(dir.resolve("shop.item2index"))).startsWith("B001\t1");
    assertThat(Files.readAllLines(dir.resolve("item_meta.csv")).get(0)).isEqualTo("item_id\ti_category\ti_tags\tr_also_buy");
    assertThat(Files.readAllLines(dir.resolve("item_meta.csv")).get(2)).isEqualTo("2\t2\t[1, 2]\t[3]");
  }

  @Test
  void aSmallerMinimumCountKeepsMore() throws IOException {
    var d = GenericImport.read(csv(), items(), 1, 0, "shop").dataset();
    assertThat(d.numUsers()).isEqualTo(9);
    assertThat(d.numItems()).isEqualTo(9);
  }

  @Test
  void theSameSeedGivesTheSameNegatives() throws IOException {
    var rows = new ArrayList<String>(List.of("user,item,timestamp"));
    for (int u = 1; u <= 20; u++) {
      for (int i = 1; i <= 6; i++) {
        rows.add("user" + u + ",item" + ((u + i) % 40) + "," + (1000 * u + i));
      }
    }
    var f = Files.write(tmp.resolve("many.csv"), rows);
    var empty = Files.writeString(tmp.resolve("none.jsonl"), "");
    var a = GenericImport.read(f, empty, 1, 7, "x").dataset();
    var b = GenericImport.read(f, empty, 1, 7, "x").dataset();
    var c = GenericImport.read(f, empty, 1, 8, "x").dataset();
    SameData.assertSameData(b, a);
    assertThat(Arrays.equals(c.test().get(0).negatives(), a.test().get(0).negatives())).isFalse();
  }

  // ---- errors name the file and the line --------------------------------------------------------

  private Path file(String name, String... lines) throws IOException {
    return Files.write(tmp.resolve(name), List.of(lines));
  }

  @Test
  void aBadTimestampIsNamedWithItsLine() throws IOException {
    var f = file("e.csv", "user,item,timestamp", "a,b,1600000000", "a,c,yesterday");
    assertThatThrownBy(() -> GenericImport.read(f, items(), 1, 0, "x"))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("e.csv:3")
        .hasMessageContaining("timestamp 'yesterday' is neither epoch seconds, epoch milliseconds nor ISO-8601");
  }

  @Test
  void aWrongHeaderOrFieldCountIsNamed() throws IOException {
    var header = file("h.csv", "uid,item,timestamp", "a,b,1");
    assertThatThrownBy(() -> GenericImport.read(header, items(), 1, 0, "x"))
        .hasMessageContaining("h.csv:1").hasMessageContaining("expected the header user,item,timestamp");
    var width = file("w.csv", "user,item,timestamp", "a,b,1", "a,b");
    assertThatThrownBy(() -> GenericImport.read(width, items(), 1, 0, "x"))
        .hasMessageContaining("w.csv:3").hasMessageContaining("expected 3 comma-separated fields, found 2");
    var format = file("e.tsv", "user\titem\ttimestamp");
    assertThatThrownBy(() -> GenericImport.read(format, items(), 1, 0, "x"))
        .hasMessageContaining("e.tsv").hasMessageContaining("expected a .csv file");
  }

  @Test
  void badJsonLinesAreNamed() throws IOException {
    var broken = file("e.jsonl", "{\"user\": \"a\", \"item\": \"b\", \"ts\": 1}", "{\"user\": \"a\", ");
    assertThatThrownBy(() -> GenericImport.read(broken, items(), 1, 0, "x"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("e.jsonl:2").hasMessageContaining("not valid JSON");
    var noUser = file("f.jsonl", "{\"item\": \"b\", \"ts\": 1}");
    assertThatThrownBy(() -> GenericImport.read(noUser, items(), 1, 0, "x"))
        .hasMessageContaining("f.jsonl:1").hasMessageContaining("missing \"user\"");
    var twice = file("i.jsonl", "{\"item\": \"b\"}", "", "{\"item\": \"b\"}");
    assertThatThrownBy(() -> GenericImport.read(csv(), twice, 1, 0, "x"))
        .hasMessageContaining("i.jsonl:3").hasMessageContaining("item 'b' is listed twice (first on line 1)");
    var attrs = file("j.jsonl", "{\"item\": \"b\", \"attributes\": [\"red\"]}");
    assertThatThrownBy(() -> GenericImport.read(csv(), attrs, 1, 0, "x"))
        .hasMessageContaining("j.jsonl:1").hasMessageContaining("\"attributes\" must be an object");
    var nested = file("k.jsonl", "{\"item\": \"b\", \"attributes\": {\"size\": {\"w\": 1}}}");
    assertThatThrownBy(() -> GenericImport.read(csv(), nested, 1, 0, "x"))
        .hasMessageContaining("k.jsonl:1").hasMessageContaining("attribute \"size\" values must be strings, numbers or booleans");
    var rel = file("l.jsonl", "{\"item\": \"b\", \"relations\": {\"also_view\": \"c\"}}");
    assertThatThrownBy(() -> GenericImport.read(csv(), rel, 1, 0, "x"))
        .hasMessageContaining("l.jsonl:1").hasMessageContaining("relation \"also_view\" must be a list of item ids");
  }

  @Test
  void aMissingFileAndAnEmptyCoreAreReported() throws IOException {
    assertThatThrownBy(() -> GenericImport.read(tmp.resolve("nope.csv"), items(), 5, 0, "x"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("nope.csv: file not found");
    var few = file("few.csv", "user,item,timestamp", "a,b,1", "a,c,2");
    assertThatThrownBy(() -> GenericImport.read(few, items(), 5, 0, "x"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("few.csv")
        .hasMessageContaining("no interactions are left after keeping users and items with at least 5 interactions");
  }

  @Test
  void timestampsInEveryAcceptedForm() {
    long ms = 1_600_000_000_000L;
    assertThat(Timestamps.toEpochMillis("1600000000")).isEqualTo(ms);
    assertThat(Timestamps.toEpochMillis("1600000000.25")).isEqualTo(ms + 250);
    assertThat(Timestamps.toEpochMillis("1600000000000")).isEqualTo(ms);
    assertThat(Timestamps.toEpochMillis("2020-09-13T12:26:40Z")).isEqualTo(ms);
    assertThat(Timestamps.toEpochMillis("2020-09-13T14:26:40+02:00")).isEqualTo(ms);
    assertThat(Timestamps.toEpochMillis("2020-09-13T12:26:40")).isEqualTo(ms);
    assertThat(Timestamps.toEpochMillis("2020-09-13 12:26:40")).isEqualTo(ms);
    assertThat(Timestamps.toEpochMillis("2020-09-13")).isEqualTo(ms - (12 * 3600 + 26 * 60 + 40) * 1000L);
    assertThatThrownBy(() -> Timestamps.toEpochMillis("13/09/2020")).hasMessageContaining("ISO-8601");
  }

  @Test
  void quotedCsvFieldsMayHoldCommas() {
    assertThat(GenericImport.splitCsv(tmp, 1, "\"a, b\",x,\"say \"\"hi\"\"\""))
        .containsExactly("a, b", "x", "say \"hi\"");
  }
}
