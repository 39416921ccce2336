package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class DropoutTest {
  @Test
  void keepsOneMinusTheRateScaledAndReproducesFromASeed() {
    try (var m = NDManager.newBaseManager("PyTorch")) {
      var x = m.ones(new Shape(200, 500));
      Dropout.reseed(42);
      var a = Dropout.apply(x, 0.2f).toFloatArray();
      Dropout.reseed(42);
      var b = Dropout.apply(x, 0.2f).toFloatArray();
      assertThat(a).containsExactly(b);
      int kept = 0;
      for (float v : a) {
        assertThat(v == 0f || Math.abs(v - 1.25f) < 1e-6f).isTrue();
        kept += v == 0f ? 0 : 1;
      }
      // 100,000 Bernoulli(0.8) draws: within 5 standard deviations (0.0013) of 0.8
      assertThat(kept / 100_000.0).isCloseTo(0.8, within(0.0065));
      assertThat(Dropout.apply(x, 0f)).isSameAs(x);
    }
  }

  @Test
  void theGradientIsTheMask() {
    try (var m = NDManager.newBaseManager("PyTorch")) {
      var x = m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8});
      x.setRequiresGradient(true);
      float[] y;
      try (var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        var out = Dropout.apply(x, 0.5f);
        y = out.toFloatArray();
        gc.backward(out.sum());
      }
      var g = x.getGradient().toFloatArray();
      for (int i = 0; i < g.length; i++) {
        assertThat(g[i]).isEqualTo(y[i] == 0 ? 0f : 2f);
      }
    }
  }
}
