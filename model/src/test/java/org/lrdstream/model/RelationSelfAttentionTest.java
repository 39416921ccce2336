package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** One attention layer across relations against a plain-Java transcription of the reference layer. */
class RelationSelfAttentionTest {
  @Test
  void matchesTheReferenceTransformerLayerComputedByHand() {
    int n = 2, r = 3, d = 4, h = 2, dk = 2;
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      var rng = new SplittableRandom(1);
      RelationSelfAttention.create(p, rng, 1, d);
      // non-trivial LayerNorm affine parameters
      p.load("attn.0.norm1.weight", new float[] {1.1f, 0.9f, 1.2f, 0.8f});
      p.load("attn.0.norm2.bias", new float[] {0.1f, -0.1f, 0.05f, 0f});
      for (var name : new String[] {"attn.0.qkv.weight", "attn.0.ff1.weight", "attn.0.ff2.weight"}) {
        var v = p.get(name).toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) rng.nextDouble(-1, 1);
        }
        p.load(name, v);
      }
      var x = new float[n * r * d];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rng.nextDouble(-2, 2);
      }
      var out = RelationSelfAttention.forward(p, m.create(x, new Shape(n, r, d)), 1, h, 0f, false).toFloatArray();

      var wqkv = p.get("attn.0.qkv.weight").toFloatArray();
      var bqkv = p.get("attn.0.qkv.bias").toFloatArray();
      var w1 = p.get("attn.0.ff1.weight").toFloatArray();
      var b1 = p.get("attn.0.ff1.bias").toFloatArray();
      var w2 = p.get("attn.0.ff2.weight").toFloatArray();
      var b2 = p.get("attn.0.ff2.bias").toFloatArray();
      var g1 = p.get("attn.0.norm1.weight").toFloatArray();
      var be1 = p.get("attn.0.norm1.bias").toFloatArray();
      var g2 = p.get("attn.0.norm2.weight").toFloatArray();
      var be2 = p.get("attn.0.norm2.bias").toFloatArray();
      for (int s = 0; s < n; s++) {
        double[][] xs = new double[r][d];
        for (int t = 0; t < r; t++) {
          for (int j = 0; j < d; j++) {
            xs[t][j] = x[(s * r + t) * d + j];
          }
        }
        double[][] qkv = new double[r][3 * d];
        for (int t = 0; t < r; t++) {
          for (int o = 0; o < 3 * d; o++) {
            double acc = bqkv[o];
            for (int j = 0; j < d; j++) {
              acc += wqkv[o * d + j] * xs[t][j];
            }
            qkv[t][o] = acc;
          }
        }
        double[][] ctx = new double[r][d];
        for (int head = 0; head < h; head++) {
          for (int t = 0; t < r; t++) {
            double[] sc = new double[r];
            double max = Double.NEGATIVE_INFINITY;
            for (int u = 0; u < r; u++) {
              double dot = 0;
              for (int j = 0; j < dk; j++) {
                dot += qkv[t][head * dk + j] * qkv[u][d + head * dk + j];
              }
              sc[u] = dot / Math.sqrt(dk);
              max = Math.max(max, sc[u]);
            }
            double z = 0;
            for (int u = 0; u < r; u++) {
              sc[u] = Math.exp(sc[u] - max);
              z += sc[u];
            }
            for (int j = 0; j < dk; j++) {
              double acc = 0;
              for (int u = 0; u < r; u++) {
                acc += sc[u] / z * qkv[u][2 * d + head * dk + j];
              }
              ctx[t][head * dk + j] = acc;
            }
          }
        }
        for (int t = 0; t < r; t++) {
          var c = layerNorm(add(ctx[t], xs[t]), g1, be1);
          var hdn = new double[d];
          for (int o = 0; o < d; o++) {
            double acc = b1[o];
            for (int j = 0; j < d; j++) {
              acc += w1[o * d + j] * c[j];
            }
            hdn[o] = Math.max(0, acc);
          }
          var ff = new double[d];
          for (int o = 0; o < d; o++) {
            double acc = b2[o];
            for (int j = 0; j < d; j++) {
              acc += w2[o * d + j] * hdn[j];
            }
            ff[o] = acc;
          }
          var y = layerNorm(add(ff, c), g2, be2);
          for (int j = 0; j < d; j++) {
            assertThat(out[(s * r + t) * d + j]).as("seq %d token %d dim %d", s, t, j).isCloseTo((float) y[j], within(1e-4f));
          }
        }
      }
    }
  }

  @Test
  void theSharedBlockIsTheReferenceKdaBlockAppliedLTimes() {
    int n = 2, r = 3, d = 4, h = 2, layers = 2;
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      var rng = new SplittableRandom(2);
      RelationSelfAttention.create(p, rng, layers, d, AttentionBlock.SHARED);
      assertThat(p.all().keySet()).allMatch(k -> k.startsWith("attn.shared.")).doesNotContain("attn.shared.qkv.bias");
      p.load("attn.shared.norm.weight", new float[] {1.1f, 0.9f, 1.2f, 0.8f});
      p.load("attn.shared.norm.bias", new float[] {0.1f, -0.1f, 0.05f, 0f});
      for (var name : new String[] {"attn.shared.qkv.weight", "attn.shared.ff1.weight", "attn.shared.ff2.weight"}) {
        var v = p.get(name).toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) rng.nextDouble(-1, 1);
        }
        p.load(name, v);
      }
      var x = new float[n * r * d];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rng.nextDouble(-2, 2);
      }
      var out = RelationSelfAttention.forward(p, m.create(x, new Shape(n, r, d)), layers, h, 0f, false,
          AttentionBlock.SHARED).toFloatArray();

      var wqkv = p.get("attn.shared.qkv.weight").toFloatArray();
      var w1 = p.get("attn.shared.ff1.weight").toFloatArray();
      var b1 = p.get("attn.shared.ff1.bias").toFloatArray();
      var w2 = p.get("attn.shared.ff2.weight").toFloatArray();
      var b2 = p.get("attn.shared.ff2.bias").toFloatArray();
      var g = p.get("attn.shared.norm.weight").toFloatArray();
      var be = p.get("attn.shared.norm.bias").toFloatArray();
      for (int s = 0; s < n; s++) {
        double[][] xs = new double[r][d];
        for (int t = 0; t < r; t++) {
          for (int j = 0; j < d; j++) {
            xs[t][j] = x[(s * r + t) * d + j];
          }
        }
        for (int l = 0; l < layers; l++) {
          // the reference: context = MHA(x) (no biases); W2(relu(W1 context)); LN(x + that)
          var ctx = attention(xs, wqkv, new float[3 * d], h);
          var next = new double[r][];
          for (int t = 0; t < r; t++) {
            var hdn = affine(w1, b1, ctx[t]);
            for (int o = 0; o < d; o++) {
              hdn[o] = Math.max(0, hdn[o]);
            }
            next[t] = layerNorm(add(affine(w2, b2, hdn), xs[t]), g, be);
          }
          xs = next;
        }
        for (int t = 0; t < r; t++) {
          for (int j = 0; j < d; j++) {
            assertThat(out[(s * r + t) * d + j]).as("seq %d token %d dim %d", s, t, j).isCloseTo((float) xs[t][j], within(1e-4f));
          }
        }
      }
    }
  }

  /** Multi-head attention across the rows of xs, projections W (3d×d) and bias b, heads concatenated. */
  private static double[][] attention(double[][] xs, float[] w, float[] b, int h) {
    int r = xs.length;
    int d = xs[0].length;
    int dk = d / h;
    double[][] qkv = new double[r][];
    for (int t = 0; t < r; t++) {
      qkv[t] = affine(w, b, xs[t]);
    }
    double[][] ctx = new double[r][d];
    for (int head = 0; head < h; head++) {
      for (int t = 0; t < r; t++) {
        double[] sc = new double[r];
        double max = Double.NEGATIVE_INFINITY;
        for (int u = 0; u < r; u++) {
          double dot = 0;
          for (int j = 0; j < dk; j++) {
            dot += qkv[t][head * dk + j] * qkv[u][d + head * dk + j];
          }
          sc[u] = dot / Math.sqrt(dk);
          max = Math.max(max, sc[u]);
        }
        double z = 0;
        for (int u = 0; u < r; u++) {
          sc[u] = Math.exp(sc[u] - max);
          z += sc[u];
        }
        for (int j = 0; j < dk; j++) {
          double acc = 0;
          for (int u = 0; u < r; u++) {
            acc += sc[u] / z * qkv[u][2 * d + head * dk + j];
          }
          ctx[t][head * dk + j] = acc;
        }
      }
    }
    return ctx;
  }

  private static double[] affine(float[] w, float[] b, double[] v) {
    var o = new double[b.length];
    for (int i = 0; i < o.length; i++) {
      double acc = b[i];
      for (int j = 0; j < v.length; j++) {
        acc += w[i * v.length + j] * v[j];
      }
      o[i] = acc;
    }
    return o;
  }

  private static double[] add(double[] a, double[] b) {
    var o = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      o[i] = a[i] + b[i];
    }
    return o;
  }

  private static double[] layerNorm(double[] v, float[] g, float[] b) {
    double mean = 0;
    for (double x : v) {
      mean += x / v.length;
    }
    double var = 0;
    for (double x : v) {
      var += (x - mean) * (x - mean) / v.length;
    }
    var o = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      o[i] = (v[i] - mean) / Math.sqrt(var + 1e-5) * g[i] + b[i];
    }
    return o;
  }
}
