package org.lrdstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lrdstream.data.ReChorusReaderTest.shared;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLens100kTest {
  static PreparedDataset prepared;
  static Dataset ml;

  @BeforeAll
  static void prepare() {
    prepared = MovieLens100k.prepare(shared("ml-100k"), 0);
    ml = prepared.dataset();
  }

  @Test
  void hasThePapersCounts() {
    assertThat(ml.numUsers()).isEqualTo(943);
    assertThat(ml.numItems()).isEqualTo(1349);
    assertThat(ml.train().size() + ml.dev().size() + ml.test().size()).isEqualTo(99_287);
    assertThat(ml.train()).hasSize(97_401);
    assertThat(prepared.counts().rawRows()).isEqualTo(100_000);
    assertThat(prepared.counts().duplicatesDropped()).isZero();
  }

  @Test
  void everyUserHasOneDevAndOneTestRowWithNinetyNineUntouchedNegatives() {
    var touched = ml.itemsPerUser();
    for (var rows : List.of(ml.dev(), ml.test())) {
      assertThat(rows).hasSize(943);
      assertThat(rows.stream().mapToInt(HeldOut::user).distinct().count()).isEqualTo(943);
      for (var r : rows) {
        assertThat(r.negatives()).hasSize(99);
        for (int n : r.negatives()) {
          assertThat(n).isBetween(1, ml.numItems());
          assertThat(Arrays.binarySearch(touched[r.user()], n)).as("user %d touched negative %d", r.user(), n).isNegative();
        }
      }
    }
  }

  @Test
  void theFirstInteractionStaysInTrainAndTestIsTheLast() {
    var seq = ml.sequences();
    var firstTrain = new HashMap<Integer, Interaction>();
    for (var x : ml.train()) {
      firstTrain.putIfAbsent(x.user(), x);
    }
    assertThat(firstTrain).hasSize(943);
    for (var t : ml.test()) {
      var s = seq[t.user()];
      assertThat(s[s.length - 1]).isEqualTo(t.item());
      assertThat(t.time()).isGreaterThanOrEqualTo(firstTrain.get(t.user()).time());
    }
  }

  /** The interactions, attributes and texts are those of the paper's own split; only negatives differ (numpy vs Java RNG). */
  @Test
  void matchesThePapersSplitExceptForTheDrawnNegatives() {
    var paper = ReChorusReader.read(shared("ml-100k-split"));
    assertThat(ml.train()).isEqualTo(paper.train());
    assertThat(ml.dev().stream().map(HeldOut::interaction).toList())
        .isEqualTo(paper.dev().stream().map(HeldOut::interaction).toList());
    assertThat(ml.test().stream().map(HeldOut::interaction).toList())
        .isEqualTo(paper.test().stream().map(HeldOut::interaction).toList());
    SameData.assertSameAttributes(ml.catalog().attributes(), paper.catalog().attributes());
    for (int i = 1; i <= ml.numItems(); i++) {
      // The paper's texts keep u.item's stray trailing spaces ("Madam (1995)  Documentary"); ours do not.
      assertThat(ml.catalog().text(i)).isEqualTo(paper.catalog().text(i).replaceAll("\\s+", " "));
      assertThat(ml.catalog().originalIds()[i]).isEqualTo(paper.catalog().originalIds()[i]);
    }
  }

  @Test
  void theSameSeedGivesTheSameNegativesAndAnotherSeedOthers() {
    var again = MovieLens100k.prepare(shared("ml-100k"), 0).dataset();
    SameData.assertSameHeldOut("test", again.test(), ml.test());
    SameData.assertSameHeldOut("dev", again.dev(), ml.dev());
    var other = MovieLens100k.prepare(shared("ml-100k"), 1).dataset();
    assertThat(other.train()).isEqualTo(ml.train());
    assertThat(other.test().get(0).negatives()).isNotEqualTo(ml.test().get(0).negatives());
  }

  @Test
  void yearBucketsFollowThePapersSplit() {
    assertThat(MovieLens100k.yearBucket(0)).isZero();
    assertThat(MovieLens100k.yearBucket(1900)).isEqualTo(1);
    assertThat(MovieLens100k.yearBucket(1939)).isEqualTo(1);
    assertThat(MovieLens100k.yearBucket(1940)).isEqualTo(2);
    assertThat(MovieLens100k.yearBucket(1949)).isEqualTo(2);
    assertThat(MovieLens100k.yearBucket(1955)).isEqualTo(3);
    assertThat(MovieLens100k.yearBucket(1960)).isEqualTo(4);
    assertThat(MovieLens100k.yearBucket(1979)).isEqualTo(5);
    assertThat(MovieLens100k.yearBucket(1984)).isEqualTo(6);
    assertThat(MovieLens100k.yearBucket(1985)).isEqualTo(7);
    assertThat(MovieLens100k.yearBucket(1989)).isEqualTo(7);
    assertThat(MovieLens100k.yearBucket(1990)).isEqualTo(8);
    assertThat(MovieLens100k.yearBucket(1995)).isEqualTo(13);
    assertThat(MovieLens100k.yearBucket(1998)).isEqualTo(16);
  }

  @Test
  void theReleaseDateGivesTheYearAndTheTitleOnlyWhenItIsMissing() {
    assertThat(MovieLens100k.releaseYear("16-Feb-1996", "Taxi Driver (1976)")).isEqualTo(1996);
    assertThat(MovieLens100k.releaseYear("", "Taxi Driver (1976)")).isEqualTo(1976);
    assertThat(MovieLens100k.releaseYear("", "unknown")).isZero();
  }

  @Test
  void textIsTitleWithYearAndGenresAndLatin1IsDecoded() {
    assertThat(ml.catalog().text(1)).isEqualTo("Toy Story (1995) Animation Children's Comedy");
    assertThat(Arrays.stream(ml.catalog().texts()).filter(t -> t != null && t.startsWith("Misérables, Les (1995)")))
        .hasSize(1);
  }

  @Test
  void roundTripsThroughTheReChorusFormat(@TempDir Path tmp) throws IOException {
    var dir = tmp.resolve(ml.name());
    ReChorusWriter.write(prepared, dir);
    var back = ReChorusReader.read(dir);
    SameData.assertSameData(back, ml);
    assertThat(Files.readAllLines(dir.resolve("ml-100k.user2index")).get(0)).isEqualTo("1\t1");
    assertThat(Files.readString(dir.resolve("item_meta.csv"))).startsWith("item_id\ti_year\ti_unknown\ti_Action\t");
  }

  @Test
  void aMalformedRawLineIsNamed(@TempDir Path tmp) throws IOException {
    for (var f : List.of("u.data", "u.item", "u.genre")) {
      Files.copy(shared("ml-100k").resolve(f), tmp.resolve(f));
    }
    var lines = Files.readAllLines(tmp.resolve("u.data"));
    lines.set(2, "22\t377\t1");
    Files.write(tmp.resolve("u.data"), lines);
    assertThatThrownBy(() -> MovieLens100k.prepare(tmp, 0))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("u.data:3")
        .hasMessageContaining("expected 4");
    Files.delete(tmp.resolve("u.data"));
    assertThatThrownBy(() -> MovieLens100k.prepare(tmp, 0))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("no u.data");
  }
}
