package org.lrdstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReChorusReaderTest {

  static Path shared(String name) {
    // Maven runs tests in the module directory; ../shared sits beside the checkout.
    for (var base : new Path[] {Path.of("../../shared/data"), Path.of("../shared/data")}) {
      var p = base.resolve(name);
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new IllegalStateException("shared data set not found: " + name);
  }

  @Test
  void readsOfficeWithThePapersCounts() {
    var d = ReChorusReader.read(shared("office"));
    assertThat(d.numUsers()).isEqualTo(4905);
    assertThat(d.numItems()).isEqualTo(2420);
    assertThat(d.train()).hasSize(43_448);
    assertThat(d.dev()).hasSize(4905);
    assertThat(d.test()).hasSize(4905);
    assertThat(d.train().size() + d.dev().size() + d.test().size()).isEqualTo(53_258);
    assertThat(d.test().get(0).negatives()).hasSize(99);
    assertThat(d.catalog().predefinedRelationNames())
        .containsExactly("share-category", "share-brand", "also-buy", "also-view");
    assertThat(d.catalog().relations().get(0).tripletCount()).isEqualTo(38_071);
    assertThat(d.catalog().relations().get(1).tripletCount()).isEqualTo(18_345);
    // the reference code's KG rows: 56,416 item-item + 2,420 category + 1,870 brand = 60,706
    assertThat(d.catalog().attributes().get(0).rowCount() + d.catalog().attributes().get(1).rowCount()).isEqualTo(4_290);
    assertThat(d.catalog().text(1)).isNotBlank();
    assertThat(d.catalog().originalIds()[1]).isEqualTo("B0000AG93P");
  }

  @Test
  void readsTheMovieLensSplitWithGenreAsOneMultiValuedAttribute() {
    var d = ReChorusReader.read(shared("ml-100k-split"));
    assertThat(d.numUsers()).isEqualTo(943);
    assertThat(d.train()).hasSize(97_401);
    assertThat(d.catalog().predefinedRelationNames()).containsExactly("share-year", "share-genre");
    var genre = d.catalog().attributes().get(1);
    assertThat(genre.numValues()).isEqualTo(19);
    // Toy Story: Animation, Children's, Comedy
    assertThat(genre.values()[1]).containsExactly(4, 5, 6);
    assertThat(d.catalog().text(1)).startsWith("Toy Story (1995)");
  }

  @Test
  void theMovieLensGenreFlagsCanEachBeARelationAsTheReferenceCodeReadsThem() {
    var d = ReChorusReader.read(shared("ml-100k-split"), ReChorusReader.FlagColumns.EACH);
    var names = d.catalog().predefinedRelationNames();
    assertThat(names).hasSize(20).startsWith("share-year", "share-unknown", "share-Action");
    // Toy Story: Animation, Children's, Comedy (flags 4, 5, 6 after year)
    for (int a = 1; a <= 19; a++) {
      assertThat(d.catalog().attributes().get(a).values()[1]).as(names.get(a))
          .containsExactly(a == 4 || a == 5 || a == 6 ? new int[] {1} : new int[0]);
    }
  }

  @Test
  void sequencesPutDevThenTestAfterTrain() {
    var d = ReChorusReader.read(shared("office"));
    var seq = d.sequences();
    var u = d.test().get(0).user();
    assertThat(seq[u][seq[u].length - 1]).isEqualTo(d.test().get(0).item());
  }

  private static Path copyOffice(Path tmp) throws IOException {
    var src = shared("office");
    try (var s = Files.list(src)) {
      for (var f : s.toList()) {
        Files.copy(f, tmp.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return tmp;
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path tmp) throws IOException {
    copyOffice(tmp);
    Files.delete(tmp.resolve("dev.csv"));
    assertThatThrownBy(() -> ReChorusReader.read(tmp))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("dev.csv")
        .hasMessageContaining("file not found");
  }

  @Test
  void aWrongColumnIsNamedWithTheHeader(@TempDir Path tmp) throws IOException {
    copyOffice(tmp);
    var f = tmp.resolve("train.csv");
    var text = Files.readString(f).replaceFirst("item_id", "itm");
    Files.writeString(f, text);
    assertThatThrownBy(() -> ReChorusReader.read(tmp))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("train.csv:1")
        .hasMessageContaining("missing column 'item_id'");
  }

  @Test
  void aMalformedLineIsNamedWithItsNumber(@TempDir Path tmp) throws IOException {
    copyOffice(tmp);
    var f = tmp.resolve("train.csv");
    var lines = Files.readAllLines(f);
    lines.set(4, "3\tabc\t970185600");
    Files.write(f, lines);
    assertThatThrownBy(() -> ReChorusReader.read(tmp))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("train.csv:5")
        .hasMessageContaining("item_id is not an integer: 'abc'");
  }

  @Test
  void anUnknownItemInTestIsNamedWithItsLine(@TempDir Path tmp) throws IOException {
    copyOffice(tmp);
    var f = tmp.resolve("test.csv");
    var lines = Files.readAllLines(f);
    var parts = lines.get(2).split("\t");
    parts[1] = "99999";
    lines.set(2, String.join("\t", parts));
    Files.write(f, lines);
    assertThatThrownBy(() -> ReChorusReader.read(tmp))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("test.csv:3")
        .hasMessageContaining("unknown item id 99999");
  }
}
