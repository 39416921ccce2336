package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The analytic FLOP counts of BENCHMARKS.md, against the hand-computed values of the formulas. */
class FlopCountTest {
  @Test
  void kdaCountsEverythingPerPair() {
    var kda = ModelConfig.forName("kda"); // d 64, 5 layers
    // intensities + aggregation 2·5·20·64·2 = 25,600; per layer 3·5·4096·2 + 2·25·64·2 + 2·5·4096·2 = 211,200
    assertThat(FlopCount.perPair(kda, 5, 20)).isEqualTo(25_600 + 5 * 211_200 + 128);
    assertThat(FlopCount.perHistory(kda, 20)).isZero();
    assertThat(FlopCount.evaluation(kda, 5, 10, 100)).isEqualTo(10 * 100 * FlopCount.perPair(kda, 5, 20));
  }

  @Test
  void aBaselineEncodesTheHistoryOnceAndScoresEachCandidateWithADotProduct() {
    var sasrec = ModelConfig.forName("sasrec"); // d 64, 2 blocks
    // per block: 4·20·4096·2 + 2·400·64·2 + 2·20·4096·2 = 1,085,440
    assertThat(FlopCount.perHistory(sasrec, 20)).isEqualTo(2 * 1_085_440);
    assertThat(FlopCount.perPair(sasrec, 3, 20)).isEqualTo(128);
    assertThat(FlopCount.evaluation(sasrec, 3, 10, 100)).isEqualTo(10 * (2 * 1_085_440 + 100 * 128.0));
    // GRU4Rec: 20 steps of 6·4096·2, then 4096·2
    assertThat(FlopCount.perHistory(ModelConfig.forName("gru4rec"), 20)).isEqualTo(20 * 49_152 + 8_192);
  }

  @org.junit.jupiter.api.Test
  void thePeakIsReadFromCpuinfo() {
    String intel = "processor\t: 0\ncpu MHz\t\t: 2599.998\nflags\t\t: fpu sse avx2 fma avx512f avx512dq\n\n"
        + "processor\t: 1\ncpu MHz\t\t: 2599.998\nflags\t\t: fpu sse avx2 fma avx512f avx512dq\n";
    String epyc = "processor\t: 0\ncpu MHz\t\t: 2450.000\nflags\t\t: fpu sse avx2 fma\n";
    String old = "processor\t: 0\ncpu MHz\t\t: 3000.000\nflags\t\t: fpu sse sse2 avx\n";
    org.assertj.core.api.Assertions.assertThat(FlopCount.peakGflops(intel, 2, 1)).isCloseTo(2 * 2.599998 * 64, org.assertj.core.data.Offset.offset(1e-6));
    org.assertj.core.api.Assertions.assertThat(FlopCount.peakGflops(epyc, 2, 1)).isCloseTo(156.8, org.assertj.core.data.Offset.offset(1e-6));
    org.assertj.core.api.Assertions.assertThat(FlopCount.peakGflops(old, 4, 1)).isCloseTo(192, org.assertj.core.data.Offset.offset(1e-6));
    org.assertj.core.api.Assertions.assertThat(FlopCount.peakGflops("nothing here", 2, 157)).isEqualTo(157);
  }
}
