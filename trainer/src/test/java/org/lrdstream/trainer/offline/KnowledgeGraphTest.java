package org.lrdstream.trainer.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lrdstream.data.Attribute;
import org.lrdstream.data.Catalog;
import org.lrdstream.data.ItemRelation;
import org.lrdstream.model.ItemTables;
import org.lrdstream.model.KgSampling;
import org.lrdstream.model.RelationSchema;

/** What the KGE loss draws: the reference code's rows, or every item pair, and their negatives. */
class KnowledgeGraphTest {
  // 8 items; colour: items 1-6 have value 1, items 7-8 value 2; also-buy: 1→2, 3→4
  private static Catalog catalog() {
    var colour = new int[9][];
    colour[0] = new int[0];
    for (int i = 1; i <= 8; i++) {
      colour[i] = new int[] {i <= 6 ? 1 : 2};
    }
    var buy = new int[9][];
    for (int i = 0; i <= 8; i++) {
      buy[i] = i == 1 ? new int[] {2} : i == 3 ? new int[] {4} : new int[0];
    }
    return new Catalog(8, new String[9], null, List.of(new Attribute("colour", 2, colour)),
        List.of(new ItemRelation("also-buy", buy)));
  }

  private static KnowledgeGraph graph(KgSampling s) {
    var c = catalog();
    var schema = RelationSchema.of(List.of("share-colour"), List.of("also-buy"), 0);
    return new KnowledgeGraph(c, schema, ItemTables.of(8, c.attributes(), null), s);
  }

  @Test
  void rowsCountEachItemPairAndEachItemValueOnce() {
    // 2 item-item rows + 8 (item, colour, value) rows; pairs: 2 + 6·5 + 2·1
    assertThat(graph(KgSampling.ROWS).size()).isEqualTo(10);
    assertThat(graph(KgSampling.PAIRS).size()).isEqualTo(34);
    assertThat(catalog().attributes().get(0).rowCount()).isEqualTo(8);
  }

  @Test
  void gammaAutoIsTheReferenceCodesRowsOverInteractionsOnOffice() {
    var office = OfficeSlice.office();
    assertThat(org.lrdstream.model.ModelFactory.autoGamma(office, KgSampling.ROWS)).isCloseTo(60_706f / 53_258, within(1e-6f));
    assertThat(org.lrdstream.model.ModelFactory.autoGamma(office, KgSampling.PAIRS)).isCloseTo(542_588f / 43_448, within(1e-4f));
  }

  @Test
  void rowsAreDrawnUniformlyAndAttributeRowsBecomeItemPairsSharingTheValue() {
    var rows = shareOfItemItem(KgSampling.ROWS);
    var pairs = shareOfItemItem(KgSampling.PAIRS);
    assertThat(rows).isCloseTo(2.0 / 10, within(0.02));
    assertThat(pairs).isCloseTo(2.0 / 34, within(0.01));
  }

  private static double shareOfItemItem(KgSampling s) {
    var g = graph(s);
    var b = g.sample(20_000, new SplittableRandom(1));
    int itemItem = 0;
    var schema = RelationSchema.of(List.of("share-colour"), List.of("also-buy"), 0);
    var tables = ItemTables.of(8, catalog().attributes(), null);
    for (int k = 0; k < 20_000; k++) {
      int h = (int) b.heads()[k];
      int t = (int) b.tails()[k];
      int r = (int) b.relations()[k];
      assertThat(g.known(h, r, t)).isTrue();
      assertThat(g.known((int) b.negativeHeads()[k], r, (int) b.negativeTails()[k])).isFalse();
      if (r == schema.firstItemRelation()) {
        itemItem++;
        assertThat(b.hasValue()[k]).isZero();
      } else {
        assertThat(h).isNotEqualTo(t);
        int value = h <= 6 ? 1 : 2;
        assertThat(b.values()[k]).isEqualTo(tables.entityOf(0, value));
        assertThat(b.hasValue()[k]).isEqualTo(1f);
      }
    }
    return itemItem / 20_000.0;
  }
}
