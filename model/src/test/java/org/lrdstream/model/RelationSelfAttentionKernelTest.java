package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The inference kernel against the PyTorch form that training runs (the scores the scorer and the
 * evaluator compute must be the training code's to 1e-5): the serving shape (R = 13 relations, d =
 * 64, 4 heads, 5 layers; also R = 19), 7 candidates (a last block of 3), weights spread well beyond their
 * initial scale so that every layer moves its input.
 */
class RelationSelfAttentionKernelTest {
  static final int N = 7, D = 64, HEADS = 4, LAYERS = 5;

  @ParameterizedTest
  @EnumSource(AttentionBlock.class)
  void theKernelComputesWhatTheTrainingCodeComputes(AttentionBlock block) {
    kernelAgainstPyTorch(block, 13);
    kernelAgainstPyTorch(block, 19); // more relations than one vector's lanes (16 with AVX-512)
  }

  private static void kernelAgainstPyTorch(AttentionBlock block, int R) {
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      var rng = new SplittableRandom(block.ordinal() + 5);
      RelationSelfAttention.create(p, rng, LAYERS, D, block);
      for (var e : p.all().entrySet()) {
        var v = e.getValue().toFloatArray();
        boolean norm = e.getKey().contains("norm");
        for (int i = 0; i < v.length; i++) {
          v[i] = norm ? v[i] + (float) rng.nextDouble(-0.3, 0.3) : (float) rng.nextDouble(-0.25, 0.25);
        }
        p.load(e.getKey(), v);
      }
      var x = new float[N * R * D];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rng.nextDouble(-2, 2);
      }
      var input = m.create(x, new Shape(N, R, D));
      float[] in = x.clone();
      float[] torch;
      boolean grad = JniUtils.isGradMode();
      try {
        JniUtils.setGradMode(true); // the form training runs: PyTorch's operators
        torch = RelationSelfAttention.forward(p, input, LAYERS, HEADS, 0.3f, false, block).toFloatArray();
      } finally {
        JniUtils.setGradMode(grad);
      }
      double moved = 0;
      for (int i = 0; i < in.length; i++) {
        moved = Math.max(moved, Math.abs(torch[i] - in[i]));
      }
      assertThat(moved).as("the layers change their input").isGreaterThan(0.5);
      var layers = new RelationSelfAttentionKernel.Layer[LAYERS];
      for (int l = 0; l < LAYERS; l++) {
        layers[l] = RelationSelfAttentionKernel.layer(p, l, D, block);
      }
      boolean shared = block == AttentionBlock.SHARED;
      var scalar = RelationSelfAttentionKernel.forward(x, N, R, D, HEADS, layers, shared, false);
      assertClose(scalar, torch, "plain loops");

      // the test JVMs run with the Vector API and C2, as the lrd launcher does: the SIMD form is tested here
      assertThat(RelationSelfAttentionKernel.available()).as("--add-modules jdk.incubator.vector and C2").isTrue();
      assertThat(VectorKernels.covers(D) && VectorKernels.covers(D / HEADS)).isTrue();
      var simd = RelationSelfAttentionKernel.forward(x, N, R, D, HEADS, layers, shared, true);
      assertClose(simd, torch, "vector kernels");

      // and RelationSelfAttention.forward hands inference with grad mode off to it
      try {
        JniUtils.setGradMode(false);
        assertClose(RelationSelfAttention.forward(p, input, LAYERS, HEADS, 0.3f, false, block).toFloatArray(), torch,
            "dispatched");
        RelationSelfAttentionKernel.setEnabled(false);
        assertThat(RelationSelfAttention.forward(p, input, LAYERS, HEADS, 0.3f, false, block).toFloatArray())
            .as("switched off: PyTorch's result exactly").containsExactly(torch);
      } finally {
        RelationSelfAttentionKernel.setEnabled(true);
        JniUtils.setGradMode(grad);
      }
    }
  }

  private static void assertClose(float[] got, float[] want, String what) {
    assertThat(got).hasSameSizeAs(want);
    double worst = 0;
    for (int i = 0; i < got.length; i++) {
      worst = Math.max(worst, Math.abs(got[i] - want[i]));
    }
    // the outputs are LayerNorm's, of order 1: an absolute bound
    assertThat(worst).as("%s: largest difference from PyTorch", what).isLessThan(1e-5);
  }
}
