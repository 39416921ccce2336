package org.lrdstream.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD forms of {@link RelationSelfAttentionKernel}'s loops, with the JDK's Vector API
 * ({@code jdk.incubator.vector}, added by the {@code lrd} launcher and the test JVMs). HotSpot does
 * not vectorise the plain loops when their rows start at different offsets, so the matrix product
 * is written as a register-blocked micro-kernel: four rows × four vectors of accumulators, each
 * weight vector loaded once for four rows. This class is loaded only where the module is present
 * ({@link RelationSelfAttentionKernel#vectorAvailable()}); shapes it does not cover (a width that is
 * not a multiple of the vector length) go to the plain loops.
 */
final class VectorKernels {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  private VectorKernels() {}

  /** Whether {@link #linear} covers an output width {@code o} (and a LayerNorm width). */
  static boolean covers(int o) {
    return o % L == 0;
  }

  /** {@code y[rows×o] = x[rows×k] · wT[k×o] + b}, {@code o} a multiple of {@link #L}; {@code y} not {@code x}. */
  static void linear(float[] x, int rows, int k, float[] wT, float[] b, int o, float[] y) {
    int cb = 0;
    for (; cb + 4 * L <= o; cb += 4 * L) {
      int r0 = 0;
      for (; r0 + 4 <= rows; r0 += 4) {
        block4x4(x, r0, k, wT, b, o, y, cb);
      }
      for (; r0 < rows; r0++) {
        block1x4(x, r0, k, wT, b, o, y, cb);
      }
    }
    for (; cb < o; cb += L) {
      for (int row = 0; row < rows; row++) {
        var acc = FloatVector.fromArray(S, b, cb);
        int x0 = row * k;
        for (int kk = 0; kk < k; kk++) {
          acc = FloatVector.fromArray(S, wT, kk * o + cb).fma(FloatVector.broadcast(S, x[x0 + kk]), acc);
        }
        acc.intoArray(y, row * o + cb);
      }
    }
  }

  private static void block4x4(float[] x, int r0, int k, float[] wT, float[] b, int o, float[] y, int cb) {
    var b0 = FloatVector.fromArray(S, b, cb);
    var b1 = FloatVector.fromArray(S, b, cb + L);
    var b2 = FloatVector.fromArray(S, b, cb + 2 * L);
    var b3 = FloatVector.fromArray(S, b, cb + 3 * L);
    FloatVector a00 = b0, a01 = b1, a02 = b2, a03 = b3;
    FloatVector a10 = b0, a11 = b1, a12 = b2, a13 = b3;
    FloatVector a20 = b0, a21 = b1, a22 = b2, a23 = b3;
    FloatVector a30 = b0, a31 = b1, a32 = b2, a33 = b3;
    int x0 = r0 * k;
    int x1 = x0 + k;
    int x2 = x1 + k;
    int x3 = x2 + k;
    for (int kk = 0; kk < k; kk++) {
      int w = kk * o + cb;
      var w0 = FloatVector.fromArray(S, wT, w);
      var w1 = FloatVector.fromArray(S, wT, w + L);
      var w2 = FloatVector.fromArray(S, wT, w + 2 * L);
      var w3 = FloatVector.fromArray(S, wT, w + 3 * L);
      var s0 = FloatVector.broadcast(S, x[x0 + kk]);
      a00 = w0.fma(s0, a00);
      a01 = w1.fma(s0, a01);
      a02 = w2.fma(s0, a02);
      a03 = w3.fma(s0, a03);
      var s1 = FloatVector.broadcast(S, x[x1 + kk]);
      a10 = w0.fma(s1, a10);
      a11 = w1.fma(s1, a11);
      a12 = w2.fma(s1, a12);
      a13 = w3.fma(s1, a13);
      var s2 = FloatVector.broadcast(S, x[x2 + kk]);
      a20 = w0.fma(s2, a20);
      a21 = w1.fma(s2, a21);
      a22 = w2.fma(s2, a22);
      a23 = w3.fma(s2, a23);
      var s3 = FloatVector.broadcast(S, x[x3 + kk]);
      a30 = w0.fma(s3, a30);
      a31 = w1.fma(s3, a31);
      a32 = w2.fma(s3, a32);
      a33 = w3.fma(s3, a33);
    }
    int y0 = r0 * o + cb;
    a00.intoArray(y, y0);
    a01.intoArray(y, y0 + L);
    a02.intoArray(y, y0 + 2 * L);
    a03.intoArray(y, y0 + 3 * L);
    y0 += o;
    a10.intoArray(y, y0);
    a11.intoArray(y, y0 + L);
    a12.intoArray(y, y0 + 2 * L);
    a13.intoArray(y, y0 + 3 * L);
    y0 += o;
    a20.intoArray(y, y0);
    a21.intoArray(y, y0 + L);
    a22.intoArray(y, y0 + 2 * L);
    a23.intoArray(y, y0 + 3 * L);
    y0 += o;
    a30.intoArray(y, y0);
    a31.intoArray(y, y0 + L);
    a32.intoArray(y, y0 + 2 * L);
    a33.intoArray(y, y0 + 3 * L);
  }

  private static void block1x4(float[] x, int r0, int k, float[] wT, float[] b, int o, float[] y, int cb) {
    var a0 = FloatVector.fromArray(S, b, cb);
    var a1 = FloatVector.fromArray(S, b, cb + L);
    var a2 = FloatVector.fromArray(S, b, cb + 2 * L);
    var a3 = FloatVector.fromArray(S, b, cb + 3 * L);
    int x0 = r0 * k;
    for (int kk = 0; kk < k; kk++) {
      int w = kk * o + cb;
      var s = FloatVector.broadcast(S, x[x0 + kk]);
      a0 = FloatVector.fromArray(S, wT, w).fma(s, a0);
      a1 = FloatVector.fromArray(S, wT, w + L).fma(s, a1);
      a2 = FloatVector.fromArray(S, wT, w + 2 * L).fma(s, a2);
      a3 = FloatVector.fromArray(S, wT, w + 3 * L).fma(s, a3);
    }
    int y0 = r0 * o + cb;
    a0.intoArray(y, y0);
    a1.intoArray(y, y0 + L);
    a2.intoArray(y, y0 + 2 * L);
    a3.intoArray(y, y0 + 3 * L);
  }

  /** Rows of the score vectors: R rounded up to whole vectors. */
  static int padded(int r) {
    return (r + L - 1) / L * L;
  }

  /** The scratch {@link #attend} needs: the queries transposed (dk × padded R), the weights transposed (R × padded R). */
  static int attendScratch(int r, int dk) {
    int rp = padded(r);
    return (dk + r) * rp;
  }

  /**
   * As {@link RelationSelfAttentionKernel#attend}, for {@code dk} a multiple of {@link #L}, with the
   * queries in the lanes: per candidate and head the queries are transposed (and scaled) into
   * {@code scratch}, so that key j's scores against every query are {@code dk} vector FMAs, and
   * the softmax over the keys is lane-wise (max, the vector exponential, sum), with no sum or max
   * across lanes: those reductions, two per query, each tens of cycles of latency, and the scalar
   * {@code Math.exp} before them, cost more than the layer's matrix products. The lanes past R
   * hold zeros (or, gathered, row 0's queries) and are never read back.
   */
  static void attend(float[] qkv, int cands, int r, int d, int heads, int dk, float scale, float[] scratch, float[] ctx) {
    int w = 3 * d;
    int rp = padded(r);
    int chunks = rp / L;
    int pt = dk * rp; // the weights, transposed: pt + j * rp + i
    java.util.Arrays.fill(scratch, 0, pt, 0f);
    // one vector of queries (R <= L): their rows' offsets, the lanes past R on row 0 (never read back)
    int[] gather = null;
    if (rp == L) {
      gather = new int[L];
      for (int i = 0; i < r; i++) {
        gather[i] = i * w;
      }
    }
    for (int c = 0; c < cands; c++) {
      int base = c * r;
      for (int h = 0; h < heads; h++) {
        int qOff = h * dk;
        int kOff = d + h * dk;
        int vOff = 2 * d + h * dk;
        if (gather != null) {
          // lane i of row t is query i's t-th value: one gather per t (the scalar transposition
          // took a third of this method's time)
          for (int t = 0; t < dk; t++) {
            FloatVector.fromArray(S, qkv, base * w + qOff + t, gather, 0).mul(scale).intoArray(scratch, t * rp);
          }
        } else {
          for (int i = 0; i < r; i++) {
            int qi = (base + i) * w + qOff;
            for (int t = 0; t < dk; t++) {
              scratch[t * rp + i] = qkv[qi + t] * scale;
            }
          }
        }
        for (int ch = 0; ch < chunks; ch++) {
          int lane = ch * L;
          var max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
          int j = 0;
          for (; j + 4 <= r; j += 4) {
            int k0 = (base + j) * w + kOff;
            int k1 = k0 + w;
            int k2 = k1 + w;
            int k3 = k2 + w;
            var a0 = FloatVector.zero(S);
            var a1 = a0;
            var a2 = a0;
            var a3 = a0;
            for (int t = 0; t < dk; t++) {
              var q = FloatVector.fromArray(S, scratch, t * rp + lane);
              a0 = q.fma(FloatVector.broadcast(S, qkv[k0 + t]), a0);
              a1 = q.fma(FloatVector.broadcast(S, qkv[k1 + t]), a1);
              a2 = q.fma(FloatVector.broadcast(S, qkv[k2 + t]), a2);
              a3 = q.fma(FloatVector.broadcast(S, qkv[k3 + t]), a3);
            }
            int o = pt + j * rp + lane;
            a0.intoArray(scratch, o);
            a1.intoArray(scratch, o + rp);
            a2.intoArray(scratch, o + 2 * rp);
            a3.intoArray(scratch, o + 3 * rp);
            max = max.max(a0.max(a1).max(a2.max(a3)));
          }
          for (; j < r; j++) {
            int kj = (base + j) * w + kOff;
            var acc = FloatVector.zero(S);
            for (int t = 0; t < dk; t++) {
              acc = FloatVector.fromArray(S, scratch, t * rp + lane).fma(FloatVector.broadcast(S, qkv[kj + t]), acc);
            }
            acc.intoArray(scratch, pt + j * rp + lane);
            max = max.max(acc);
          }
          var z = FloatVector.zero(S);
          for (j = 0; j < r; j++) {
            int o = pt + j * rp + lane;
            var e = FloatVector.fromArray(S, scratch, o).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(scratch, o);
            z = z.add(e);
          }
          var inv = FloatVector.broadcast(S, 1f).div(z);
          for (j = 0; j < r; j++) {
            int o = pt + j * rp + lane;
            FloatVector.fromArray(S, scratch, o).mul(inv).intoArray(scratch, o);
          }
        }
        // ctx_i = sum_j p_ij v_j, four queries at a time
        int i = 0;
        for (; i + 4 <= r; i += 4) {
          int c0 = (base + i) * d + qOff;
          for (int t = 0; t < dk; t += L) {
            var a0 = FloatVector.zero(S);
            var a1 = a0;
            var a2 = a0;
            var a3 = a0;
            for (int j = 0; j < r; j++) {
              var v = FloatVector.fromArray(S, qkv, (base + j) * w + vOff + t);
              int p = pt + j * rp + i;
              a0 = v.fma(FloatVector.broadcast(S, scratch[p]), a0);
              a1 = v.fma(FloatVector.broadcast(S, scratch[p + 1]), a1);
              a2 = v.fma(FloatVector.broadcast(S, scratch[p + 2]), a2);
              a3 = v.fma(FloatVector.broadcast(S, scratch[p + 3]), a3);
            }
            a0.intoArray(ctx, c0 + t);
            a1.intoArray(ctx, c0 + d + t);
            a2.intoArray(ctx, c0 + 2 * d + t);
            a3.intoArray(ctx, c0 + 3 * d + t);
          }
        }
        for (; i < r; i++) {
          int ci = (base + i) * d + qOff;
          for (int t = 0; t < dk; t += L) {
            var acc = FloatVector.zero(S);
            for (int j = 0; j < r; j++) {
              acc = FloatVector.fromArray(S, qkv, (base + j) * w + vOff + t).fma(FloatVector.broadcast(S, scratch[pt + j * rp + i]), acc);
            }
            acc.intoArray(ctx, ci + t);
          }
        }
      }
    }
  }

  /** {@code y = LayerNorm(x + res)} row-wise over {@code d} (a multiple of {@link #L}); {@code y} may be {@code x} or {@code res}. */
  static void addLayerNorm(float[] x, float[] res, int rows, int d, float[] gamma, float[] beta, float[] y) {
    if (d == 4 * L) {
      addLayerNorm4(x, res, rows, gamma, beta, y);
      return;
    }
    for (int row = 0; row < rows; row++) {
      int o = row * d;
      var sum = FloatVector.zero(S);
      for (int j = 0; j < d; j += L) {
        var v = FloatVector.fromArray(S, x, o + j).add(FloatVector.fromArray(S, res, o + j));
        v.intoArray(y, o + j);
        sum = sum.add(v);
      }
      float mean = sum.reduceLanes(VectorOperators.ADD) / d;
      var sq = FloatVector.zero(S);
      for (int j = 0; j < d; j += L) {
        var c = FloatVector.fromArray(S, y, o + j).sub(mean);
        sq = c.fma(c, sq);
      }
      float var = sq.reduceLanes(VectorOperators.ADD) / d;
      float inv = (float) (1 / Math.sqrt(var + 1e-5));
      for (int j = 0; j < d; j += L) {
        FloatVector.fromArray(S, y, o + j).sub(mean).mul(inv)
            .fma(FloatVector.fromArray(S, gamma, j), FloatVector.fromArray(S, beta, j))
            .intoArray(y, o + j);
      }
    }
  }

  /**
   * {@link #addLayerNorm} for rows of exactly four vectors (d = 64 with AVX-512): a row stays in
   * registers from the sum to the output, so that rows are independent chains the core overlaps.
   */
  private static void addLayerNorm4(float[] x, float[] res, int rows, float[] gamma, float[] beta, float[] y) {
    int d = 4 * L;
    var g0 = FloatVector.fromArray(S, gamma, 0);
    var g1 = FloatVector.fromArray(S, gamma, L);
    var g2 = FloatVector.fromArray(S, gamma, 2 * L);
    var g3 = FloatVector.fromArray(S, gamma, 3 * L);
    var e0 = FloatVector.fromArray(S, beta, 0);
    var e1 = FloatVector.fromArray(S, beta, L);
    var e2 = FloatVector.fromArray(S, beta, 2 * L);
    var e3 = FloatVector.fromArray(S, beta, 3 * L);
    for (int row = 0; row < rows; row++) {
      int o = row * d;
      var v0 = FloatVector.fromArray(S, x, o).add(FloatVector.fromArray(S, res, o));
      var v1 = FloatVector.fromArray(S, x, o + L).add(FloatVector.fromArray(S, res, o + L));
      var v2 = FloatVector.fromArray(S, x, o + 2 * L).add(FloatVector.fromArray(S, res, o + 2 * L));
      var v3 = FloatVector.fromArray(S, x, o + 3 * L).add(FloatVector.fromArray(S, res, o + 3 * L));
      float mean = v0.add(v1).add(v2.add(v3)).reduceLanes(VectorOperators.ADD) / d;
      v0 = v0.sub(mean);
      v1 = v1.sub(mean);
      v2 = v2.sub(mean);
      v3 = v3.sub(mean);
      float var = v0.mul(v0).add(v1.mul(v1)).add(v2.mul(v2).add(v3.mul(v3))).reduceLanes(VectorOperators.ADD) / d;
      float inv = (float) (1 / Math.sqrt(var + 1e-5));
      v0.mul(inv).fma(g0, e0).intoArray(y, o);
      v1.mul(inv).fma(g1, e1).intoArray(y, o + L);
      v2.mul(inv).fma(g2, e2).intoArray(y, o + 2 * L);
      v3.mul(inv).fma(g3, e3).intoArray(y, o + 3 * L);
    }
  }

  static void relu(float[] x, int len) {
    int i = 0;
    for (; i + L <= len; i += L) {
      FloatVector.fromArray(S, x, i).max(0f).intoArray(x, i);
    }
    for (; i < len; i++) {
      x[i] = Math.max(x[i], 0f);
    }
  }
}
