package org.lrdstream.trainer.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelationLabelerTest {
  private static final List<String> CATALOG = List.of(
      "HP 61 Black Ink Cartridge", "Canon PG-245 Ink Cartridge", "Epson 212 Ink Cartridge, Black",
      "HP OfficeJet 3830 Printer", "Stapler, Black", "Copy Paper, 500 Sheets", "Sticky Notes, Yellow",
      "Ballpoint Pens, Black", "Printer Paper, Bright White", "File Folders, Letter Size");

  @Test
  void wordsAreLowerCaseWithoutStopWordsNumbersOrShortTokens() {
    assertThat(RelationLabeler.words("The HP 61 Ink-Cartridge, for the Printer & a PC"))
        .containsExactly("ink-cartridge", "printer");
  }

  @Test
  void theWordsSharedByARelationsItemsAndRareElsewhereComeFirst() {
    var labeler = new RelationLabeler(CATALOG);
    var kw = labeler.keywords(List.of(CATALOG.get(0), CATALOG.get(1), CATALOG.get(2)), 3);
    // "ink" and "cartridge" are in all three and in no other item; "black" is in two of them but
    // also in two other items, so it ranks below
    assertThat(kw).extracting(RelationLabeler.Keyword::word).containsExactly("cartridge", "ink", "black");
    assertThat(kw.get(0).itemsWithIt()).isEqualTo(3);
    assertThat(kw.get(0).score()).isEqualTo(Math.log(11.0 / 4.0));
    assertThat(RelationLabeler.label(kw, 2)).isEqualTo("cartridge / ink");
  }

  @Test
  void aWordOfOneItemOnlyCannotNameARelation() {
    var labeler = new RelationLabeler(CATALOG);
    assertThat(labeler.keywords(List.of("Stapler, Black", "Sticky Notes, Yellow"), 3)).isEmpty();
    assertThat(RelationLabeler.label(List.of(), 3)).isEqualTo("(no common theme)");
  }
}
