package org.lrdstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PopularityBaselineTest {
  private static Dataset data(List<HeldOut> dev, List<HeldOut> test) {
    // item 1: 3 training interactions, item 2: 2, item 3: 1, items 4..7: none
    var train = List.of(new Interaction(1, 1, 1), new Interaction(2, 1, 1), new Interaction(3, 1, 1),
        new Interaction(1, 2, 2), new Interaction(2, 2, 2), new Interaction(1, 3, 3));
    var catalog = new Catalog(7, new String[8], null, List.of(), List.of());
    return new Dataset("toy", 3, 7, train, dev, test, catalog);
  }

  @Test
  void ranksTargetsByTrainingCountWithTiesAgainstTheTarget() {
    // dev: target 1 beats every negative (rank 0, NDCG 1); target 3 ties with item 3 (rank 1 among
    // {2, 3}: item 2 is more popular, the repeated 3 ties) -> rank 2, NDCG 1/log2(4) = 0.5
    var dev = List.of(new HeldOut(1, 1, 9, new int[] {2, 3, 4}), new HeldOut(2, 3, 9, new int[] {2, 3, 5}));
    // test: a cold target (0 training interactions) tied with 6 cold negatives: rank 6, outside the
    // top 5 and inside the top 10
    var test = List.of(new HeldOut(3, 7, 9, new int[] {4, 5, 6, 4, 5, 6}));
    var p = PopularityBaseline.of(data(dev, test));
    assertThat(p.dev().rows()).isEqualTo(2);
    assertThat(p.dev().hr5()).isEqualTo(1.0);
    assertThat(p.dev().ndcg5()).isCloseTo((1 + 0.5) / 2, within(1e-12));
    assertThat(p.dev().meanTargetCount()).isCloseTo(2.0, within(1e-12));
    assertThat(p.test().hr5()).isZero();
    assertThat(p.test().hr10()).isEqualTo(1.0);
    assertThat(p.test().ndcg10()).isCloseTo(1 / (Math.log(8) / Math.log(2)), within(1e-12));
    assertThat(p.test().meanTargetCount()).isZero();
    assertThat(p.render()).contains("dev   HR@5 1.0000").contains("test  HR@5 0.0000");
  }

  @Test
  void theSummaryPrintsIt() {
    var dev = List.of(new HeldOut(1, 1, 9, new int[] {2, 3, 4}));
    var s = DatasetSummary.of(data(dev, dev));
    assertThat(s.render()).contains("popularity").contains("dev   HR@5 1.0000");
  }
}
