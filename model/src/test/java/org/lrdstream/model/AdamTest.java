package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class AdamTest {
  /** Two steps of Adam (no L2) on one weight from 0, with gradients g1 then g2, by hand. */
  private static double afterTwoSteps(double lr, double beta2, double g1, double g2) {
    double beta1 = 0.9;
    double eps = 1e-8;
    double m = (1 - beta1) * g1;
    double v = (1 - beta2) * g1 * g1;
    double w = -lr * (m / (1 - beta1)) / (Math.sqrt(v / (1 - beta2)) + eps);
    m = beta1 * m + (1 - beta1) * g2;
    v = beta2 * v + (1 - beta2) * g2 * g2;
    return w - lr * (m / (1 - beta1 * beta1)) / (Math.sqrt(v / (1 - beta2 * beta2)) + eps);
  }

  private static void step(NDManager m, ParameterSet p, Adam adam, float gradient) {
    try (var gc = m.getEngine().newGradientCollector()) {
      var loss = p.get("lrd.cls.weight").mul(gradient).sum().add(p.get("entity").mul(gradient).sum());
      gc.backward(loss);
    }
    adam.update(p);
  }

  @Test
  void theClassifiersOwnBeta2AppliesToTheLrdParametersOnly() {
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      p.put("lrd.cls.weight", new float[] {0f}, new Shape(1));
      p.put("entity", new float[] {0f}, new Shape(1));
      var adam = new Adam(0.1f, 0f, 0.5f);
      step(m, p, adam, 1f);
      step(m, p, adam, 3f);
      double head = afterTwoSteps(0.1, 0.5, 1, 3);
      double rest = afterTwoSteps(0.1, 0.999, 1, 3);
      assertThat(head).as("the two β₂ give different steps here").isNotCloseTo(rest, within(1e-3));
      assertThat(p.get("lrd.cls.weight").toFloatArray()[0]).isCloseTo((float) head, within(1e-6f));
      assertThat(p.get("entity").toFloatArray()[0]).isCloseTo((float) rest, within(1e-6f));
    }
  }

  @Test
  void theDefaultIsPlainAdamAndTheConfigCarriesTheSetting() {
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      p.put("lrd.cls.weight", new float[] {0f}, new Shape(1));
      p.put("entity", new float[] {0f}, new Shape(1));
      var adam = Adam.of(ModelConfig.forName("kda+lrd@l2=0@lr=0.1"));
      step(m, p, adam, 1f);
      step(m, p, adam, 3f);
      assertThat(p.get("lrd.cls.weight").toFloatArray()[0]).isEqualTo(p.get("entity").toFloatArray()[0]);
      assertThat(p.get("entity").toFloatArray()[0]).isCloseTo((float) afterTwoSteps(0.1, 0.999, 1, 3), within(1e-6f));
    }
    assertThatThrownBy(() -> new Adam(1e-3f, 0f, 1f)).hasMessageContaining("β₂ must be in (0, 1)");
  }

  @Test
  void theMovingAverageFollowsTheStepsAndSwapsWithTheLiveParameters() {
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      p.put("lrd.cls.weight", new float[] {0f}, new Shape(1));
      p.put("entity", new float[] {0f}, new Shape(1));
      float decay = 0.5f;
      var adam = new Adam(0.1f, 0f, 0.999f, decay);
      assertThat(adam.averaging()).isTrue();
      float[] grads = {1f, 3f, -2f, 0.5f};
      double avg = 0;
      for (int t = 1; t <= grads.length; t++) {
        step(m, p, adam, grads[t - 1]);
        double w = p.get("entity").toFloatArray()[0];
        // by hand: the first step's value starts the average; then a = d·a + (1 − d)·w with
        // d = min(D, (1 + t) / (10 + t))
        double d = Math.min(decay, (1.0 + t) / (10.0 + t));
        avg = t == 1 ? w : d * avg + (1 - d) * w;
      }
      float live = p.get("entity").toFloatArray()[0];
      assertThat(Adam.averageDecayAt(decay, 1)).isCloseTo(2f / 11f, within(1e-7f));
      assertThat(Adam.averageDecayAt(decay, 1_000)).isEqualTo(decay);
      assertThat((double) adam.averageState().get("entity").toFloatArray()[0]).isCloseTo(avg, within(1e-6));
      assertThat(avg).as("the average differs from the last step here").isNotCloseTo(live, within(1e-3));

      adam.swapAverage(p);
      assertThat(adam.averageSwappedIn()).isTrue();
      assertThat((double) p.get("entity").toFloatArray()[0]).isCloseTo(avg, within(1e-6));
      assertThatThrownBy(() -> adam.update(p)).hasMessageContaining("swap it back");
      adam.swapAverage(p);
      assertThat(adam.averageSwappedIn()).isFalse();
      assertThat(p.get("entity").toFloatArray()[0]).isEqualTo(live);
    }
  }

  @Test
  void noAverageIsKeptByDefaultAndTheSwapIsThenANoOp() {
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      p.put("lrd.cls.weight", new float[] {0f}, new Shape(1));
      p.put("entity", new float[] {0f}, new Shape(1));
      var adam = Adam.of(ModelConfig.forName("kda+lrd@lr=0.1"));
      assertThat(adam.averaging()).isFalse();
      step(m, p, adam, 1f);
      float live = p.get("entity").toFloatArray()[0];
      adam.swapAverage(p);
      assertThat(adam.averageSwappedIn()).isFalse();
      assertThat(p.get("entity").toFloatArray()[0]).isEqualTo(live);
      assertThat(adam.averageState()).isEmpty();
      assertThat(Adam.of(ModelConfig.forName("kda+lrd@ema=0.999")).averaging()).isTrue();
      assertThat(Adam.withoutAverage(ModelConfig.forName("kda+lrd@ema=0.999")).averaging()).isFalse();
    }
    assertThatThrownBy(() -> ModelConfig.forName("kda@ema=1")).hasMessageContaining("weightAverage");
  }
}
