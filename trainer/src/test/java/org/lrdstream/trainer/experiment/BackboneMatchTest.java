package org.lrdstream.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BackboneMatchTest {
  @Test
  void aPlusLrdModelIsComparedWithTheBackboneSharingMostOfItsSettings() {
    var models = List.of("kda", "kda@ema=0.999", "kda@ema=0.99", "kda@l2=0", "rcf", "kda+lrd@lrd=reference@ema=0.999");
    assertThat(ExperimentReport.backboneOf("kda+lrd@lrd=reference@ema=0.999", models)).isEqualTo("kda@ema=0.999");
    assertThat(ExperimentReport.backboneOf("kda+lrd@lrd=reference", models)).isEqualTo("kda");
    assertThat(ExperimentReport.backboneOf("kda+lrd", models)).isEqualTo("kda");
    assertThat(ExperimentReport.backboneOf("rcf+lrd@latent=5", models)).isEqualTo("rcf");
    assertThat(ExperimentReport.backboneOf("kda+lrd", List.of("kda@ema=0.999"))).isNull();
    assertThat(ExperimentReport.backboneOf("kda", models)).isNull();
    assertThat(ExperimentReport.backboneOf("sasrec+lrd", models)).isNull();
  }

  @Test
  void theReportPairsTheAveragedArms() {
    var runs = List.of(
        SweepReportTest.run("kda", 1, 0.20, 0.21),
        SweepReportTest.run("kda@ema=0.999", 1, 0.22, 0.23),
        SweepReportTest.run("kda+lrd@ema=0.999", 1, 0.25, 0.26));
    var md = ExperimentReport.markdown("office", "fake", runs);
    assertThat(md).contains("| kda+lrd@ema=0.999 vs kda@ema=0.999 | 1 |").doesNotContain("vs kda |")
        .doesNotContain("Sensitivity"); // one value of a setting is no sweep
  }
}
