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
}
