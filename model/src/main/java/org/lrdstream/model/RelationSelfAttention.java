package org.lrdstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;

/**
 * L layers of multi-head self-attention across the relation vectors (MODEL.md step 5, the paper's
 * eq. 10), each as the reference's TransformerLayer: attention without output projection, dropout,
 * residual and LayerNorm, then a 2-layer feed-forward of width d, dropout, residual and LayerNorm.
 * Parameters are named {@code attn.<l>.<part>}. With {@link AttentionBlock#SHARED} (the reference
 * code's form) one block {@code attn.shared.<part>} is applied L times: {@code LN(x + drop(W2·relu(W1
 * ·MHA(x))))}, the projections without biases.
 */
public final class RelationSelfAttention {
  private RelationSelfAttention() {}

  public static void create(ParameterSet p, java.util.SplittableRandom rng, int layers, int d) {
    create(p, rng, layers, d, AttentionBlock.STACKED);
  }

  public static void create(ParameterSet p, java.util.SplittableRandom rng, int layers, int d, AttentionBlock block) {
    if (block == AttentionBlock.SHARED) {
      if (layers > 0) {
        var k = "attn.shared.";
        p.normal(k + "qkv.weight", rng, 0.01f, 3L * d, d);
        p.normal(k + "ff1.weight", rng, 0.01f, d, d);
        p.normal(k + "ff1.bias", rng, 0.01f, d);
        p.normal(k + "ff2.weight", rng, 0.01f, d, d);
        p.normal(k + "ff2.bias", rng, 0.01f, d);
        p.constant(k + "norm.weight", 1f, d);
        p.constant(k + "norm.bias", 0f, d);
      }
      return;
    }
    for (int l = 0; l < layers; l++) {
      var k = "attn." + l + ".";
      p.normal(k + "qkv.weight", rng, 0.01f, 3L * d, d);
      p.normal(k + "qkv.bias", rng, 0.01f, 3L * d);
      p.constant(k + "norm1.weight", 1f, d);
      p.constant(k + "norm1.bias", 0f, d);
      p.normal(k + "ff1.weight", rng, 0.01f, d, d);
      p.normal(k + "ff1.bias", rng, 0.01f, d);
      p.normal(k + "ff2.weight", rng, 0.01f, d, d);
      p.normal(k + "ff2.bias", rng, 0.01f, d);
      p.constant(k + "norm2.weight", 1f, d);
      p.constant(k + "norm2.bias", 0f, d);
    }
  }

  /**
   * @param x N×R×d
   * @return N×R×d
   */
  public static NDArray forward(ParameterSet p, NDArray x, int layers, int heads, float dropout, boolean training) {
    return forward(p, x, layers, heads, dropout, training, AttentionBlock.STACKED);
  }

  /**
   * @param x N×R×d
   * @return N×R×d
   */
  public static NDArray forward(ParameterSet p, NDArray x, int layers, int heads, float dropout, boolean training,
      AttentionBlock block) {
    if (!training && layers > 0 && RelationSelfAttentionKernel.enabled()
        && !ai.djl.pytorch.jni.JniUtils.isGradMode() && x.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32) {
      // inference with no graph to record: the same layers in plain Java, several times faster
      return RelationSelfAttentionKernel.forward(p, x, layers, heads, block);
    }
    if (block == AttentionBlock.SHARED) {
      return forwardShared(p, x, layers, heads, dropout, training);
    }
    var s = x.getShape();
    long n = s.get(0);
    long r = s.get(1);
    long d = s.get(2);
    long dk = d / heads;
    var normShape = new Shape(d);
    var ex = x.getNDArrayInternal();
    for (int l = 0; l < layers; l++) {
      var k = "attn." + l + ".";
      // One copy puts Q, K and V head-major, (3, N·h, R, dk); the slices below are views of it.
      var all = ex.linear(x, p.get(k + "qkv.weight"), p.get(k + "qkv.bias")).singletonOrThrow()
          .reshape(n, r, 3, heads, dk).transpose(2, 0, 3, 1, 4).reshape(3, n * heads, r, dk);
      var q = Scalars.times(all.get(0), (float) (1 / Math.sqrt(dk)));
      var key = all.get(1);
      var v = all.get(2);
      // The scores are computed transposed (keys × queries) and normalised over axis 1: PyTorch's
      // CPU softmax over a short last axis (R = 5..13) is several times slower than over a middle
      // one. Mathematically the same attention.
      var weightsT = key.batchMatMul(q.transpose(0, 2, 1)).softmax(1); // N·h, R_k, R_q
      var context = weightsT.transpose(0, 2, 1).batchMatMul(v) // N·h, R_q, dk
          .reshape(n, heads, r, dk).transpose(0, 2, 1, 3).reshape(n, r, d);
      context = drop(context, dropout, training).add(x);
      context = LayerNorm.layerNorm(context, normShape, p.get(k + "norm1.weight"), p.get(k + "norm1.bias"), 1e-5f)
          .singletonOrThrow();
      var ff = Activation.relu(ex.linear(context, p.get(k + "ff1.weight"), p.get(k + "ff1.bias")).singletonOrThrow());
      ff = ff.getNDArrayInternal().linear(ff, p.get(k + "ff2.weight"), p.get(k + "ff2.bias")).singletonOrThrow();
      ff = drop(ff, dropout, training).add(context);
      x = LayerNorm.layerNorm(ff, normShape, p.get(k + "norm2.weight"), p.get(k + "norm2.bias"), 1e-5f)
          .singletonOrThrow();
      ex = x.getNDArrayInternal();
    }
    return x;
  }

  private static NDArray forwardShared(ParameterSet p, NDArray x, int layers, int heads, float dropout, boolean training) {
    var s = x.getShape();
    long n = s.get(0);
    long r = s.get(1);
    long d = s.get(2);
    var normShape = new Shape(d);
    var k = "attn.shared.";
    for (int l = 0; l < layers; l++) {
      var ex = x.getNDArrayInternal();
      var all = ex.linear(x, p.get(k + "qkv.weight"), null).singletonOrThrow();
      var context = attend(all, n, r, d, heads);
      var ff = context.getNDArrayInternal().linear(context, p.get(k + "ff1.weight"), p.get(k + "ff1.bias")).singletonOrThrow();
      ff = Activation.relu(ff);
      ff = ff.getNDArrayInternal().linear(ff, p.get(k + "ff2.weight"), p.get(k + "ff2.bias")).singletonOrThrow();
      ff = drop(ff, dropout, training).add(x);
      x = LayerNorm.layerNorm(ff, normShape, p.get(k + "norm.weight"), p.get(k + "norm.bias"), 1e-5f).singletonOrThrow();
    }
    return x;
  }

  /** Multi-head attention of projected Q|K|V (N×R×3d) across the R axis, heads concatenated: N×R×d. */
  private static NDArray attend(NDArray qkv, long n, long r, long d, int heads) {
    long dk = d / heads;
    var all = qkv.reshape(n, r, 3, heads, dk).transpose(2, 0, 3, 1, 4).reshape(3, n * heads, r, dk);
    var q = Scalars.times(all.get(0), (float) (1 / Math.sqrt(dk)));
    var key = all.get(1);
    var v = all.get(2);
    var weightsT = key.batchMatMul(q.transpose(0, 2, 1)).softmax(1); // N·h, R_k, R_q
    return weightsT.transpose(0, 2, 1).batchMatMul(v).reshape(n, heads, r, dk).transpose(0, 2, 1, 3).reshape(n, r, d);
  }

  static NDArray drop(NDArray x, float rate, boolean training) {
    if (!training || rate <= 0) {
      return x;
    }
    return Dropout.apply(x, rate);
  }
}
