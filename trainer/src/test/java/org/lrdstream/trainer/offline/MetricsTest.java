package org.lrdstream.trainer.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The paper's metrics on known rankings. */
class MetricsTest {
  @Test
  void aTargetRankedFirstScoresOneEverywhere() {
    var m = Metrics.of(new int[] {0});
    assertThat(m.hr5()).isEqualTo(1);
    assertThat(m.ndcg5()).isEqualTo(1);
    assertThat(m.hr10()).isEqualTo(1);
    assertThat(m.ndcg10()).isEqualTo(1);
  }

  @Test
  void ranksGiveTheTextbookValues() {
    // ranks 1 (second place), 4, 7, 20
    var m = Metrics.of(new int[] {1, 4, 7, 20});
    assertThat(m.hr5()).isEqualTo(0.5);
    assertThat(m.hr10()).isEqualTo(0.75);
    double n2 = 1 / (Math.log(3) / Math.log(2));
    double n5 = 1 / (Math.log(6) / Math.log(2));
    double n8 = 1 / (Math.log(9) / Math.log(2));
    assertThat(m.ndcg5()).isCloseTo((n2 + n5) / 4, within(1e-12));
    assertThat(m.ndcg10()).isCloseTo((n2 + n5 + n8) / 4, within(1e-12));
  }

  @Test
  void tiesCountAgainstTheTargetSoConstantScoresGetNothing() {
    var scores = new float[100];
    assertThat(Metrics.rank(0f, scores, 0, 99)).isEqualTo(99);
    var m = Metrics.of(new int[] {Metrics.rank(0f, scores, 0, 99)});
    assertThat(m.hr5()).isZero();
    assertThat(m.ndcg10()).isZero();
  }

  @Test
  void rankCountsOnlyCandidatesAtLeastAsHighAsTheTarget() {
    var others = new float[] {0.1f, 0.9f, 0.5f, 0.5f, -2f};
    assertThat(Metrics.rank(0.5f, others, 0, 5)).isEqualTo(3);
    assertThat(Metrics.rank(Float.NaN, others, 0, 5)).isEqualTo(5);
  }
}
