package org.lrdstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lrdstream.data.ReChorusReaderTest.shared;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReChorusWriterTest {
  @TempDir Path tmp;

  @Test
  void officeRoundTripsWithItsRelationsAndAsins() {
    var office = ReChorusReader.read(shared("office"));
    var dir = tmp.resolve("office");
    ReChorusWriter.write(office, dir);
    SameData.assertSameData(ReChorusReader.read(dir), office);
    assertThat(dir.resolve("office.item2index")).exists();
    assertThat(dir.resolve("office.user2index")).doesNotExist();
  }

  @Test
  void thePapersMovieLensSplitRoundTripsWithGenreAsAListColumn() throws IOException {
    var split = ReChorusReader.read(shared("ml-100k-split"));
    var dir = tmp.resolve("ml-100k-split");
    ReChorusWriter.write(split, dir);
    SameData.assertSameData(ReChorusReader.read(dir), split);
    // without the genre names the writer cannot name flag columns: one list column instead
    assertThat(Files.readAllLines(dir.resolve("item_meta.csv")).get(1)).isEqualTo("1\t13\t[4, 5, 6]");
  }

  @Test
  void writingAgainReplacesButAnotherDataSetIsRefused() throws IOException {
    var p = GenericImport.read(
        Files.write(tmp.resolve("e.csv"), java.util.List.of("user,item,timestamp", "a,x,1", "a,y,2", "a,z,3", "b,x,4", "b,w,5")),
        Files.writeString(tmp.resolve("i.jsonl"), ""), 1, 0, "mine");
    var dir = tmp.resolve("out");
    ReChorusWriter.write(p, dir);
    ReChorusWriter.write(p, dir);
    var d = p.dataset();
    SameData.assertSameData(ReChorusReader.read(dir),
        new Dataset("out", d.numUsers(), d.numItems(), d.train(), d.dev(), d.test(), d.catalog()));
    Files.writeString(dir.resolve("Office.text"), "id\ttext\n");
    assertThatThrownBy(() -> ReChorusWriter.write(p, dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already holds another data set (Office.text)");
  }
}
