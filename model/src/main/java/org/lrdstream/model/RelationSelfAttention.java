package org.lrdstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;

/**
 * L layers of multi-head self-attention across the relation vectors (MODEL.md step 5, the paper's
 * eq. 10), each as the reference's TransformerLayer: attention without output projection, dropout,
 * residual and LayerNorm, then a 2-layer feed-forward of width d, dropout, residual and LayerNorm.
 * Parameters are named {@code attn.<l>.<part>}.
 */
public final class RelationSelfAttention {
  private RelationSelfAttention() {}

  public static void create(ParameterSet p, java.util.SplittableRandom rng, int layers, int d) {
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
    var s = x.getShape();
    long n = s.get(0);
    long r = s.get(1);
    long d = s.get(2);
    long dk = d / heads;
    var normShape = new Shape(d);
    var ex = x.getNDArrayInternal();
    for (int l = 0; l < layers; l++) {
      var k = "attn." + l + ".";
      var qkv = ex.linear(x, p.get(k + "qkv.weight"), p.get(k + "qkv.bias")).singletonOrThrow()
          .reshape(n, r, 3, heads, dk).transpose(2, 0, 3, 1, 4); // 3, N, h, R, dk
      var q = qkv.get(0);
      var key = qkv.get(1);
      var v = qkv.get(2);
      var weights = q.matMul(key.transpose(0, 1, 3, 2)).mul((float) (1 / Math.sqrt(dk))).softmax(3);
      var context = weights.matMul(v).transpose(0, 2, 1, 3).reshape(n, r, d);
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

  static NDArray drop(NDArray x, float rate, boolean training) {
    if (!training || rate <= 0) {
      return x;
    }
    return x.getNDArrayInternal().dropout(x, rate, true).singletonOrThrow();
  }
}
