package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ParameterSetTest {
  @Test
  void loadCopiesIntoTheSameTensorAndFillClearsNaN() {
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      var a = p.put("w", new float[] {1, 2, 3, 4}, new Shape(2, 2));
      var view = a.get("1:2"); // a view of the second row shares the parameter's storage
      p.load("w", new float[] {5, 6, 7, 8});
      assertThat(p.get("w")).isSameAs(a);
      assertThat(a.toFloatArray()).containsExactly(5, 6, 7, 8);
      assertThat(view.toFloatArray()).containsExactly(7, 8);
      var nan = m.create(new float[] {Float.NaN, 1f, Float.POSITIVE_INFINITY});
      ParameterSet.fill(nan, 0f);
      assertThat(nan.toFloatArray()).containsExactly(0f, 0f, 0f);
    }
  }

  @Test
  void aFrozenSetRefusesChangesAndTheKernelKeepsItsLayersOnlyThen() {
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      RelationSelfAttention.create(p, new java.util.SplittableRandom(3), 2, 16);
      var live = RelationSelfAttentionKernel.layers(p, 2, 16, AttentionBlock.STACKED);
      assertThat(RelationSelfAttentionKernel.layers(p, 2, 16, AttentionBlock.STACKED))
          .as("while the weights may change, read again on every pass").isNotSameAs(live);
      p.freeze();
      assertThat(p.frozen()).isTrue();
      var kept = RelationSelfAttentionKernel.layers(p, 2, 16, AttentionBlock.STACKED);
      assertThat(RelationSelfAttentionKernel.layers(p, 2, 16, AttentionBlock.STACKED)).isSameAs(kept);
      assertThat(RelationSelfAttentionKernel.layers(p, 1, 16, AttentionBlock.STACKED)).containsExactly(kept[0]);
      assertThat(kept[1].qkvB()).containsExactly(p.get("attn.1.qkv.bias").toFloatArray());
      assertThatThrownBy(() -> p.load("attn.0.qkv.bias", new float[48])).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("frozen");
      assertThatThrownBy(() -> p.put("extra", new float[1], new Shape(1))).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> new Adam(0.01f, 0).update(p)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void subnormalValuesAreFlushedToZeroOnLoadAndInPlace() {
    float sub = Float.MIN_NORMAL / 4; // subnormal
    float[] given = {sub, -sub, Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-30f, 0f, -2.5f, Float.NaN};
    float[] want = {0f, 0f, 0f, Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-30f, 0f, -2.5f, Float.NaN};
    assertThat(ParameterSet.flushSubnormals(given.clone())).containsExactly(want);
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      var a = p.put("w", new float[given.length], new Shape(given.length));
      p.load("w", given);
      assertThat(a.toFloatArray()).containsExactly(want);
      var b = m.create(given);
      ParameterSet.flushSubnormals(b);
      var got = b.toFloatArray();
      for (int i = 0; i < got.length; i++) {
        got[i] += 0f; // the tensor form may leave −0 where the value was negative: the same zero
      }
      assertThat(got).containsExactly(want);
    }
  }

  @Test
  void adamLeavesNoSubnormalWeightOrMoment() {
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      // a weight already tiny with no gradient of its own: its L2 gradient and moments fall below
      // the normal range at once
      var w = p.put("w", new float[] {2 * Float.MIN_NORMAL, 1f}, new Shape(2));
      var adam = new Adam(1e-3f, 0.5f);
      for (int step = 0; step < 50; step++) {
        w.getGradient().set(new ai.djl.ndarray.index.NDIndex("1"), 1e-3f);
        adam.update(p);
        for (float v : w.toFloatArray()) {
          assertThat(v == 0f || Math.abs(v) >= Float.MIN_NORMAL).as("step %d: %s", step, v).isTrue();
        }
        for (var mv : adam.state().values()) {
          for (var t : mv) {
            for (float v : t.toFloatArray()) {
              assertThat(v == 0f || Math.abs(v) >= Float.MIN_NORMAL).as("moment at step %d: %s", step, v).isTrue();
            }
          }
        }
      }
    }
  }
}
