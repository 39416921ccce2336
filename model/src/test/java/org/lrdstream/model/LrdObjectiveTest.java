package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** LRD's two reconstruction objectives by value against a hand computation, and by gradient. */
class LrdObjectiveTest {
  // the valid (history item, target, negative) triples of TinyModels.batch()
  private static final long[] HEADS = {1, 2, 4, 5, 6};
  private static final long[] TAILS = {3, 3, 1, 1, 1};
  private static final long[] NEGATIVES = {5, 6, 1, 3, 2};

  @Test
  void theExpectedObjectiveIsThePapersEquationEight() {
    var cfg = TinyModels.config().alphaEntropy(0f).lrdObjective(LrdObjective.EXPECTED).build();
    try (var m = NDManager.newBaseManager("PyTorch"); var model = TinyModels.model(cfg, m, 7); var scope = new NDScope()) {
      int r = model.schema().size();
      int d = cfg.dim();
      var q = model.relationDistribution(m, HEADS, TAILS).toFloatArray();
      var e = model.parameters().get("entity").toFloatArray();
      var rel = model.parameters().get("relation").toFloatArray();
      double expected = 0;
      for (int i = 0; i < HEADS.length; i++) {
        double pair = 0;
        for (int k = 0; k < r; k++) {
          double pos = 0;
          double neg = 0;
          for (int x = 0; x < d; x++) {
            pos += e[(int) HEADS[i] * d + x] * rel[k * d + x] * e[(int) TAILS[i] * d + x];
            neg += e[(int) NEGATIVES[i] * d + x] * rel[k * d + x] * e[(int) TAILS[i] * d + x];
          }
          pair += q[i * r + k] * (Math.log(sigmoid(pos)) + Math.log(sigmoid(-neg)));
        }
        expected -= pair / HEADS.length;
      }
      var b = TinyModels.batch();
      double loss = model.lrdLoss(m, b.examples(), b.lrdNegatives())[0].getFloat();
      assertThat(loss).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void theMixtureObjectiveIsModelMdsForm() {
    var cfg = TinyModels.config().alphaEntropy(0f).build();
    try (var m = NDManager.newBaseManager("PyTorch"); var model = TinyModels.model(cfg, m, 7); var scope = new NDScope()) {
      int r = model.schema().size();
      int d = cfg.dim();
      var q = model.relationDistribution(m, HEADS, TAILS).toFloatArray();
      var e = model.parameters().get("entity").toFloatArray();
      var rel = model.parameters().get("relation").toFloatArray();
      // per user: −log mean over its valid pairs of σ(φ(v, w, j) − φ(v⁻, w, j)); mean over the 2 users
      int[][] users = {{0, 1}, {2, 3, 4}};
      double expected = 0;
      for (int[] pairs : users) {
        double mean = 0;
        for (int i : pairs) {
          double diff = 0;
          for (int x = 0; x < d; x++) {
            double w = 0;
            for (int k = 0; k < r; k++) {
              w += q[i * r + k] * rel[k * d + x];
            }
            diff += (e[(int) HEADS[i] * d + x] - e[(int) NEGATIVES[i] * d + x]) * w * e[(int) TAILS[i] * d + x];
          }
          mean += sigmoid(diff) / pairs.length;
        }
        expected -= Math.log(mean) / users.length;
      }
      var b = TinyModels.batch();
      double loss = model.lrdLoss(m, b.examples(), b.lrdNegatives())[0].getFloat();
      assertThat(loss).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void theReferenceObjectiveAndEntropyAreTheReferenceCodes() {
    var cfg = TinyModels.config().alphaEntropy(0.1f).lrdObjective(LrdObjective.REFERENCE)
        .entropySign(EntropySign.REFERENCE).build();
    try (var m = NDManager.newBaseManager("PyTorch"); var model = TinyModels.model(cfg, m, 7); var scope = new NDScope()) {
      int r = model.schema().size();
      int d = cfg.dim();
      // every slot of the batch, the padding slot (history item 0) of the first user included
      long[] slotHeads = {1, 2, 0, 4, 5, 6};
      long[] slotTails = {3, 3, 3, 1, 1, 1};
      var q = model.relationDistribution(m, slotHeads, slotTails).toFloatArray();
      double sum = 0;
      for (int k = 0; k < r; k++) {
        sum += q[k];
      }
      assertThat(sum).isCloseTo(1, within(1e-5)); // sequence stays in the softmax
      assertThat(q[0]).isGreaterThan(0f);
      var e = model.parameters().get("entity").toFloatArray();
      var rel = model.parameters().get("relation").toFloatArray();
      int[][] users = {{0, 1}, {3, 4, 5}}; // valid slots
      long[] negatives = {5, 6, 0, 1, 3, 2};
      // per relation k ≠ sequence: −log mean over the user's pairs of σ(q_k [φ_k(v) + v·Rel_k − φ_k(v⁻) − v⁻·Rel_k]),
      // averaged over the users and the R − 1 relations
      double expected = 0;
      for (int[] slots : users) {
        for (int k = 1; k < r; k++) {
          double mean = 0;
          for (int i : slots) {
            double diff = 0;
            for (int x = 0; x < d; x++) {
              double w = q[i * r + k] * rel[k * d + x];
              double dh = e[(int) slotHeads[i] * d + x] - e[(int) negatives[i] * d + x];
              diff += dh * w * e[(int) slotTails[i] * d + x] + dh * w;
            }
            mean += sigmoid(diff) / slots.length;
          }
          expected -= Math.log(mean) / (users.length * (r - 1));
        }
      }
      double entropy = 0;
      for (int i = 0; i < slotHeads.length; i++) {
        for (int k = 0; k < r; k++) {
          entropy -= q[i * r + k] * Math.log(q[i * r + k]);
        }
      }
      expected += 0.1 * entropy / (slotHeads.length * r);
      var b = TinyModels.batch();
      double loss = model.lrdLoss(m, b.examples(), b.lrdNegatives())[0].getFloat();
      assertThat(loss).isCloseTo(expected, within(1e-5));
    }
  }

  @ParameterizedTest
  @EnumSource(LrdObjective.class)
  void gradientsMatchFiniteDifferences(LrdObjective objective) {
    var cfg = TinyModels.config().alphaEntropy(0.1f).lrdObjective(objective).build();
    try (var m = NDManager.newBaseManager("PyTorch"); var model = TinyModels.model(cfg, m, 11)) {
      var b = TinyModels.batch();
      try (var scope = new NDScope(); var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        gc.backward(model.lrdLoss(m, b.examples(), b.lrdNegatives())[0]);
      }
      var failures = new ArrayList<String>();
      for (var name : new String[] {"relation", "entity", "lrd.cls.weight", "lrd.proj.weight"}) {
        var param = model.parameters().get(name);
        float[] grad;
        try (var g = param.getGradient()) {
          grad = g.toFloatArray();
        }
        var values = param.toFloatArray();
        for (int k = 0; k < Math.min(6, values.length); k++) {
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
      return model.lrdLoss(m, b.examples(), b.lrdNegatives())[0].toType(DataType.FLOAT64, false).getDouble();
    }
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
