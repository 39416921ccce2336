package org.lrdstream.trainer.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lrdstream.model.Adam;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ParameterSet;

/** {@code @lrdrestart=K}: the classifier's Adam moments reset after K one-hot epochs in a row. */
class LrdRestartTest {
  private static List<EpochLog> curve(double... entropies) {
    var out = new ArrayList<EpochLog>();
    for (int i = 0; i < entropies.length; i++) {
      out.add(new EpochLog(i + 1, 0, 0, 0, 0, entropies[i], new Metrics(0, 0, 0, 0, 1), 0, 0));
    }
    return out;
  }

  @Test
  void restartsAfterEveryKOneHotEpochsInARowCountedAfresh() {
    var k2 = ModelConfig.forName("kda+lrd@lrdrestart=2");
    assertThat(k2.lrdRestart()).isEqualTo(2);
    // one-hot at epochs 2, 3 (restart after 3), 4, 5 (restart after 5), spread at 6, one-hot at 7
    var c = curve(0.9, 0.0, 0.001, 0.0, 0.0, 1.4, 0.0);
    assertThat(Fit.restartsAfter(c.subList(0, 2), k2)).isZero();
    assertThat(Fit.restartsAfter(c.subList(0, 3), k2)).isEqualTo(3);
    assertThat(Fit.restartsAfter(c.subList(0, 4), k2)).as("the count starts again after a restart").isEqualTo(3);
    assertThat(Fit.restartsAfter(c.subList(0, 5), k2)).isEqualTo(5);
    assertThat(Fit.restartsAfter(c, k2)).isEqualTo(5);
    var k1 = ModelConfig.forName("kda+lrd@lrdrestart=1");
    assertThat(Fit.restartsAfter(c, k1)).isEqualTo(7);
    assertThat(Fit.restartsAfter(c.subList(0, 6), k1)).as("not after a spread epoch").isEqualTo(5);
    assertThat(Fit.restartsAfter(c, ModelConfig.forName("kda+lrd"))).as("off by default").isZero();
    assertThat(Fit.restartsAfter(c, ModelConfig.forName("kda@lrdrestart=1"))).as("no LRD, nothing to restart").isZero();
    assertThatThrownBy(() -> ModelConfig.forName("kda+lrd@lrdrestart=-1")).hasMessageContaining("at least 0");
  }

  @Test
  void resetMomentsClearsOnlyTheNamedParameters() {
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      p.put("lrd.cls.weight", new float[] {0f, 0f}, new Shape(2));
      p.put("entity", new float[] {0f, 0f}, new Shape(2));
      var adam = new Adam(0.1f, 0f);
      try (var gc = m.getEngine().newGradientCollector()) {
        gc.backward(p.get("lrd.cls.weight").sum().add(p.get("entity").sum()));
      }
      adam.update(p);
      assertThat(adam.resetMoments(Adam.HEAD_PREFIX)).isEqualTo(1);
      var state = adam.state();
      assertThat(state.get("lrd.cls.weight")[0].toFloatArray()).containsOnly(0f);
      assertThat(state.get("lrd.cls.weight")[1].toFloatArray()).containsOnly(0f);
      for (float x : state.get("entity")[0].toFloatArray()) {
        assertThat(x).isCloseTo(0.1f, org.assertj.core.api.Assertions.within(1e-6f)); // (1 − β₁) · g, g = 1
      }
      assertThat(state.get("entity")[1].toFloatArray()[0]).isGreaterThan(0f);
    }
  }
}
