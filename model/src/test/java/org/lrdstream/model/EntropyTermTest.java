package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The three forms of LRD's entropy term, by value against hand-computed entropies, and by gradient. */
class EntropyTermTest {
  private static double lrd(EntropySign sign, NDManager m) {
    var cfg = TinyModels.config().entropySign(sign).alphaEntropy(0.3f).build();
    try (var model = TinyModels.model(cfg, m, 7); var scope = new NDScope()) {
      var b = TinyModels.batch();
      return model.lrdLoss(m, b.examples(), b.lrdNegatives())[0].getFloat();
    }
  }

  @Test
  void theTermsDifferByTheMeanPairEntropyAndTheEntropyOfTheMeanDistribution() {
    try (var m = NDManager.newBaseManager("PyTorch")) {
      var cfg = TinyModels.config().alphaEntropy(0.3f).build();
      // the valid (history item, target) pairs of TinyModels.batch(): history {1, 2} → 3, {4, 5, 6} → 1
      long[] heads = {1, 2, 4, 5, 6};
      long[] tails = {3, 3, 1, 1, 1};
      double meanH = 0;
      var mean = new double[TinyModels.schema(2).size()];
      try (var model = TinyModels.model(cfg, m, 7); var scope = new NDScope()) {
        var q = model.relationDistribution(m, heads, tails).toFloatArray();
        int r = mean.length;
        for (int i = 0; i < heads.length; i++) {
          for (int k = 0; k < r; k++) {
            double p = q[i * r + k];
            meanH -= p > 0 ? p * Math.log(p) / heads.length : 0;
            mean[k] += p / heads.length;
          }
        }
      }
      double marginal = 0;
      for (double p : mean) {
        marginal -= p > 0 ? p * Math.log(p) : 0;
      }
      double max = lrd(EntropySign.MAXIMISE, m);
      double min = lrd(EntropySign.MINIMISE, m);
      double bal = lrd(EntropySign.BALANCED, m);
      assertThat(min - max).isCloseTo(2 * 0.3 * meanH, within(1e-5));
      assertThat(min - bal).isCloseTo(0.3 * marginal, within(1e-5));
      // the mean of distributions is at least as uncertain as they are on average
      assertThat(marginal).isGreaterThanOrEqualTo(meanH - 1e-9);
    }
  }

  @ParameterizedTest
  @EnumSource(EntropySign.class)
  void gradientsOfEveryFormMatchFiniteDifferences(EntropySign sign) {
    var cfg = TinyModels.config().entropySign(sign).alphaEntropy(0.5f).build();
    try (var m = NDManager.newBaseManager("PyTorch"); var model = TinyModels.model(cfg, m, 11)) {
      var b = TinyModels.batch();
      try (var scope = new NDScope(); var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        gc.backward(model.lrdLoss(m, b.examples(), b.lrdNegatives())[0]);
      }
      var failures = new ArrayList<String>();
      for (var name : new String[] {"lrd.cls.weight", "lrd.cls.bias", "lrd.proj.weight"}) {
        var param = model.parameters().get(name);
        float[] grad;
        try (var g = param.getGradient()) {
          grad = g.toFloatArray();
        }
        var values = param.toFloatArray();
        for (int k = 0; k < Math.min(4, values.length); k++) {
          int i = (int) ((long) k * 7919 % values.length);
          float h = 1e-2f;
          float orig = values[i];
          values[i] = orig + h;
          model.parameters().load(name, values);
          double up = value(model, m);
          values[i] = orig - h;
          model.parameters().load(name, values);
          double down = value(model, m);
          values[i] = orig;
          model.parameters().load(name, values);
          double numeric = (up - down) / (2 * h);
          if (Math.abs(numeric - grad[i]) > 2e-2 * Math.max(1, Math.abs(numeric))) {
            failures.add(name + "[" + i + "]: autograd " + grad[i] + ", finite difference " + numeric);
          }
        }
      }
      assertThat(failures).isEmpty();
    }
  }

  private static double value(LrdModel model, NDManager m) {
    var b = TinyModels.batch();
    try (var scope = new NDScope()) {
      return model.lrdLoss(m, b.examples(), b.lrdNegatives())[0].toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }
  }
}
