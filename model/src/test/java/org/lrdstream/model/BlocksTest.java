package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each block of the model on tiny inputs against values worked out by hand. */
class BlocksTest {
  static NDManager m;

  @BeforeAll
  static void open() {
    m = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void close() {
    m.close();
  }

  @Test
  void relationIntensityIsASoftmaxOverTheValidHistoryOnly() {
    // one example, one candidate, one relation, d = 2; history [e1, e2, padding]
    var keys = m.create(new float[] {1f, 2f}, new Shape(1, 1, 1, 2));
    var history = m.create(new float[] {1f, 0f, 0f, 1f, 5f, 5f}, new Shape(1, 3, 2));
    var mask = m.create(new float[] {1f, 1f, 0f}, new Shape(1, 3));
    var a = RelationAttention.intensities(keys, history, mask).toFloatArray();
    // logits 1 and 2 (the padded 15 is ignored): softmax = e^1/(e^1+e^2), e^2/(e^1+e^2)
    double s = Math.exp(1) + Math.exp(2);
    assertThat(a[0]).isCloseTo((float) (Math.exp(1) / s), within(1e-6f));
    assertThat(a[1]).isCloseTo((float) (Math.exp(2) / s), within(1e-6f));
    assertThat(a[2]).isCloseTo(0f, within(1e-6f));
    var agg = RelationAttention.aggregate(RelationAttention.intensities(keys, history, mask), history).toFloatArray();
    assertThat(agg[0]).isCloseTo((float) (Math.exp(1) / s), within(1e-6f));
    assertThat(agg[1]).isCloseTo((float) (Math.exp(2) / s), within(1e-6f));
  }

  @Test
  void keyTableAddsTheAttributeValueToTheRelationAndScalesByTheItem() {
    var items = m.create(new float[] {0, 0, 2, 3}, new Shape(2, 2));
    var rel = m.create(new float[] {1, 1, 0.5f, 0.5f}, new Shape(2, 2));
    var values = m.create(new float[] {0, 0, 0, 0, 0, 0, 1, -1}, new Shape(2, 2, 2));
    var k = RelationAttention.keyTable(items, rel, values).toFloatArray();
    // item 1, relation 0: (1,1)*(2,3) = (2,3); relation 1: (0.5+1, 0.5-1)*(2,3) = (3, -1.5)
    assertThat(k).containsExactly(new float[] {0, 0, 0, 0, 2, 3, 3, -1.5f}, within(1e-6f));
  }

  @Test
  void valueTableAveragesAMultiValuedAttributeIntoItsRelationRow() {
    // 1 item row, 1 attribute with 2 slots, d = 1; relation rows: sequence, attr, latent
    var valueEmb = m.create(new float[] {2f, 4f}, new Shape(1, 1, 2, 1));
    var w = m.create(new float[] {0.5f, 0.5f}, new Shape(1, 1, 2));
    var t = RelationAttention.valueTable(valueEmb, w, 3).toFloatArray();
    assertThat(t).containsExactly(new float[] {0f, 3f, 0f}, within(1e-6f));
  }

  @Test
  void temporalDecayMatchesTheInverseDftByHandAndIsClamped() {
    // F = 2: frequencies 0 and 1/2. At x = 1: cos(0)=1, cos(pi)=-1, sin = 0.
    // decay = 1/2 * mean(Re0*1, Re1*(-1)) = (Re0 - Re1)/4
    var x = m.create(new float[] {1f, 0f}, new Shape(1, 2));
    var re = m.create(new float[] {1.0f, 0.2f, 8f, 0f}, new Shape(2, 2));
    var im = m.create(new float[] {0.3f, 0.7f, 0f, 0f}, new Shape(2, 2));
    var d = TemporalDecay.decay(x, re, im).toFloatArray(); // B=1, R=2, n=2
    assertThat(d[0]).isCloseTo((1.0f - 0.2f) / 4, within(1e-5f)); // r0, x=1
    assertThat(d[1]).isCloseTo((1.0f + 0.2f) / 4, within(1e-5f)); // r0, x=0
    assertThat(d[2]).isEqualTo(1f); // r1 x=1: 8/4 = 2 clamped to 1
    assertThat(d[3]).isEqualTo(1f);
  }

  @Test
  void dftOfAPointMassGivesADecayPeakingAtThatInterval() {
    var h = new double[64];
    h[10] = 1;
    var c = TemporalDecay.dftOf(h, 33);
    var re = m.create(c[0], new Shape(1, 33));
    var im = m.create(c[1], new Shape(1, 33));
    var xs = new float[64];
    for (int i = 0; i < 64; i++) {
      xs[i] = i;
    }
    var d = TemporalDecay.decay(m.create(xs, new Shape(1, 64)), re, im).toFloatArray();
    int argmax = 0;
    for (int i = 1; i < 64; i++) {
      if (d[i] > d[argmax]) {
        argmax = i;
      }
    }
    assertThat(argmax).isEqualTo(10);
    assertThat(d[10]).isCloseTo(0.5f, within(1e-4f)); // ½ · mean over 33 of cos(0) · 1
  }

  @Test
  void distMultIsTheTripleProductSum() {
    var h = m.create(new float[] {1, 2});
    var r = m.create(new float[] {3, 4});
    var t = m.create(new float[] {5, 6});
    assertThat(DistMult.score(h, r, t).getFloat()).isEqualTo(1 * 3 * 5 + 2 * 4 * 6f);
  }

  @Test
  void bprLossWithOneNegativeIsMinusLogSigmoidOfTheMargin() {
    var y = m.create(new float[] {2f, 1f, 0f, 3f}, new Shape(2, 2));
    double expected = (-Math.log(1 / (1 + Math.exp(-1))) - Math.log(1 / (1 + Math.exp(3)))) / 2;
    assertThat(LrdModel.recommendationLoss(y).getFloat()).isCloseTo((float) expected, within(1e-5f));
  }

  @Test
  void bprWithSeveralNegativesWeightsThemBySoftmaxOfTheirScores() {
    var y = m.create(new float[] {1f, 0f, 2f}, new Shape(1, 3));
    double w0 = Math.exp(0) / (Math.exp(0) + Math.exp(2));
    double w1 = Math.exp(2) / (Math.exp(0) + Math.exp(2));
    double s = w0 / (1 + Math.exp(-1)) + w1 / (1 + Math.exp(1));
    assertThat(LrdModel.recommendationLoss(y).getFloat()).isCloseTo((float) -Math.log(s), within(1e-5f));
  }

  @Test
  void leaveOneLatentGivesTheSequenceRelationNoProbability() {
    try (var p = new ParameterSet(m)) {
      var rng = new java.util.SplittableRandom(3);
      p.normal("lrd.proj.weight", rng, 0.5f, 2, 3);
      p.normal("lrd.proj.bias", rng, 0.5f, 2);
      p.normal("lrd.cls.weight", rng, 0.5f, 4, 4);
      p.normal("lrd.cls.bias", rng, 0.5f, 4);
      var hist = m.create(new float[] {1, 0, 0, 0, 1, 0}, new Shape(1, 2, 3));
      var target = m.create(new float[] {0, 0, 1}, new Shape(1, 3));
      var q = LatentRelationHead.logDistribution(p, hist, target, true).exp().toFloatArray();
      assertThat(q[0]).isCloseTo(0f, within(1e-7f));
      assertThat(q[1] + q[2] + q[3]).isCloseTo(1f, within(1e-5f));
      var full = LatentRelationHead.logDistribution(p, hist, target, false).exp().toFloatArray();
      assertThat(full[0]).isGreaterThan(0f);
      // entropy of a uniform distribution over 4 is log 4
      var uniform = m.create(new float[] {0.25f, 0.25f, 0.25f, 0.25f}).log();
      assertThat(LatentRelationHead.entropy(uniform).getFloat()).isCloseTo((float) Math.log(4), within(1e-5f));
    }
  }
}
