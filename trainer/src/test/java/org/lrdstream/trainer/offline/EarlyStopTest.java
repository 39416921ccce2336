package org.lrdstream.trainer.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyStopTest {
  /** Dev values rising by {@code step} until {@code peak} (1-based), then as {@code after} gives them. */
  private static List<Double> curve(int epochs, int peak, java.util.function.IntToDoubleFunction after) {
    var out = new ArrayList<Double>();
    for (int e = 1; e <= epochs; e++) {
      out.add(e <= peak ? 0.1 + 0.01 * e : after.applyAsDouble(e));
    }
    return out;
  }

  @Test
  void patienceStopsThatManyEpochsAfterTheBest() {
    // best at 30, then lower values that wobble
    var dev = curve(40, 30, e -> 0.3 + (e % 2) * 0.01);
    assertThat(EarlyStop.PATIENCE.stop(dev.subList(0, 39), 30, 10)).isFalse();
    assertThat(EarlyStop.PATIENCE.stop(dev, 30, 10)).isTrue();
    assertThat(EarlyStop.PATIENCE.stop(List.of(), 0, 10)).isFalse();
  }

  @Test
  void theReferenceRuleWaitsTwentyEpochsAfterTheBestWhileTheValuesWobble() {
    // the published run's shape: best at 56, wobbling below it, stopped at 76
    var dev = curve(76, 56, e -> 0.6 + (e % 2) * 0.005);
    assertThat(EarlyStop.REFERENCE.stop(dev.subList(0, 75), 56, 5)).isFalse();
    assertThat(EarlyStop.REFERENCE.stop(dev, 56, 5)).isTrue();
    // the default patience would have stopped at 66
    assertThat(EarlyStop.PATIENCE.stop(dev.subList(0, 66), 56, 10)).isTrue();
  }

  @Test
  void theReferenceRuleStopsOnceTheLastValuesNeverRosePastEpochTwenty() {
    // best at 25 (0.35), a rise at 27, then five values that never rose (a tie included): stop at 31, not 45
    double[] after = {0.30, 0.31, 0.305, 0.30, 0.30, 0.29};
    var dev = curve(31, 25, e -> after[e - 26]);
    assertThat(EarlyStop.REFERENCE.stop(dev.subList(0, 30), 25, 5)).isFalse();
    assertThat(EarlyStop.REFERENCE.stop(dev, 25, 5)).isTrue();
    // before epoch 21 a falling run goes on
    var early = curve(15, 10, e -> 0.2 - 0.001 * e);
    assertThat(EarlyStop.REFERENCE.stop(early, 10, 5)).isFalse();
  }

  @Test
  void parsesTheTwoRulesAndRefusesOthers() {
    assertThat(EarlyStop.parse("Reference")).isEqualTo(EarlyStop.REFERENCE);
    assertThat(EarlyStop.parse("patience")).isEqualTo(EarlyStop.PATIENCE);
    assertThatThrownBy(() -> EarlyStop.parse("never")).hasMessageContaining("patience or reference");
  }
}
