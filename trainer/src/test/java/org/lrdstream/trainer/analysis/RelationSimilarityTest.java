package org.lrdstream.trainer.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RelationSimilarityTest {
  @Test
  void cosineOfHandPickedVectors() {
    // rows: (1,0), (1,1), (0,-2), (0,0)
    float[] e = {1, 0, 1, 1, 0, -2, 0, 0};
    var s = RelationSimilarity.cosine(e, 4, 2);
    assertThat(s[0][0]).isCloseTo(1, within(1e-12));
    assertThat(s[0][1]).isCloseTo(1 / Math.sqrt(2), within(1e-12));
    assertThat(s[1][0]).isEqualTo(s[0][1]);
    assertThat(s[0][2]).isCloseTo(0, within(1e-12));
    assertThat(s[1][2]).isCloseTo(-1 / Math.sqrt(2), within(1e-12));
    assertThat(s[3][0]).isZero(); // a zero row is similar to nothing
  }

  @Test
  void groupMeansLeaveTheDiagonalOut() {
    double[][] s = {
      {1, 0.5, 0.1, 0.3},
      {0.5, 1, -0.1, 0.1},
      {0.1, -0.1, 1, 0.8},
      {0.3, 0.1, 0.8, 1}};
    var m = RelationSimilarity.groupMeans(s, new int[] {0, 1}, new int[] {2, 3});
    assertThat(m[0]).isCloseTo(0.5, within(1e-12));
    assertThat(m[1]).isCloseTo(0.8, within(1e-12));
    assertThat(m[2]).isCloseTo((0.1 + 0.3 - 0.1 + 0.1) / 4, within(1e-12));
    assertThat(RelationSimilarity.groupMeans(s, new int[] {0}, new int[] {1})[0]).isNaN();
  }
}
