package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The four baselines of Table 3 on a tiny input: their scores against plain-Java transcriptions of
 * each model's equations, written independently of the DJL code, shapes and explanations, and a few
 * Adam steps that reduce the loss.
 */
class SequentialBaselinesTest {
  private static final int D = 4;
  private static final int N = 3;

  private static ModelConfig config(Backbone backbone) {
    var name = backbone.name().toLowerCase(java.util.Locale.ROOT);
    return ModelConfig.forName(name).toBuilder().dim(D).historyMax(N).dropout(0)
        .heads(backbone == Backbone.SASREC || backbone == Backbone.TISASREC ? 2 : 1).build();
  }

  @ParameterizedTest
  @EnumSource(value = Backbone.class, names = {"CASER", "GRU4REC", "SASREC", "TISASREC"})
  void scoresMatchAHandTranscriptionOfTheModel(Backbone backbone) {
    var cfg = config(backbone);
    try (var m = NDManager.newBaseManager("PyTorch"); var model = TinyModels.model(cfg, m, 11)) {
      JniUtils.setGradMode(false);
      var batch = TinyModels.batch().examples();
      float[] got;
      try (var scope = new NDScope()) {
        got = model.scores(m, batch, model.keyTable(), false).toFloatArray();
      }
      var p = values(model);
      int c = batch.candidateCount();
      assertThat(got).hasSize(batch.size() * c);
      for (int b = 0; b < batch.size(); b++) {
        int len = 0;
        while (len < N && batch.history()[b * N + len] > 0) {
          len++;
        }
        var hist = new int[len];
        var ages = new long[len];
        for (int k = 0; k < len; k++) {
          hist[k] = (int) batch.history()[b * N + k];
          ages[k] = batch.ages()[b * N + k];
        }
        int user = (int) batch.users()[b];
        double[] h = switch (backbone) {
          case SASREC -> sasrec(p, hist, cfg.layers(), cfg.heads());
          case TISASREC -> tisasrec(p, hist, ages, cfg.layers(), cfg.heads());
          case GRU4REC -> gru4rec(p, hist);
          case CASER -> caser(p, hist, row(p.get("user"), user));
          default -> throw new AssertionError();
        };
        for (int j = 0; j < c; j++) {
          int item = (int) batch.candidates()[b * c + j];
          double want = dot(h, row(p.get("entity"), item)) + p.get("itemBias")[item];
          assertThat((double) got[b * c + j]).as("%s example %d candidate %d", backbone, b, j)
              .isCloseTo(want, within(1e-5 * Math.max(1, Math.abs(want))));
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Backbone.class, names = {"CASER", "GRU4REC", "SASREC", "TISASREC"})
  void explanationsPutTheHistoryItemMostLikeTheCandidateOnTheSequenceRelation(Backbone backbone) {
    var cfg = config(backbone);
    try (var m = NDManager.newBaseManager("PyTorch"); var model = TinyModels.model(cfg, m, 3)) {
      JniUtils.setGradMode(false);
      var batch = TinyModels.batch().examples();
      try (var scope = new NDScope()) {
        var f = model.forward(m, batch, model.keyTable(), false);
        int r = model.schema().size();
        assertThat(f.scores().getShape().getShape()).containsExactly(2, 2);
        assertThat(f.intensities().getShape().getShape()).containsExactly(2, 2, r, N);
        var a = f.intensities().toFloatArray();
        // example 0 has two history items: its sequence-relation weights sum to 1, the padding gets 0
        for (int j = 0; j < 2; j++) {
          int base = (j * r) * N;
          assertThat(a[base] + a[base + 1]).isCloseTo(1f, within(1e-5f));
          assertThat(a[base + 2]).isZero();
          for (int rel = 1; rel < r; rel++) {
            for (int i = 0; i < N; i++) {
              assertThat(a[(j * r + rel) * N + i]).isZero();
            }
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Backbone.class, names = {"CASER", "GRU4REC", "SASREC", "TISASREC"})
  void aFewAdamStepsReduceTheLoss(Backbone backbone) {
    var cfg = config(backbone).toBuilder().learningRate(1e-2f).build();
    try (var m = NDManager.newBaseManager("PyTorch")) {
      var model = new LrdModel(cfg, TinyModels.schema(0), TinyModels.tables(), 2, m, 5, null);
      var batch = TinyModels.batch();
      var adam = new Adam(cfg.learningRate(), cfg.l2());
      double first = 0;
      double last = 0;
      for (int step = 0; step < 30; step++) {
        try (var scope = new NDScope()) {
          try (var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            var loss = model.losses(m, batch).total();
            last = loss.toType(DataType.FLOAT64, false).getDouble();
            gc.backward(loss);
          }
          adam.update(model.parameters());
        }
        if (step == 0) {
          first = last;
        }
      }
      assertThat(first).isCloseTo(Math.log(2), within(0.01));
      assertThat(last).isLessThan(first * 0.5);
      model.close();
    }
  }

  @Test
  void tiSasRecIntervalsAreClippedMultiplesOfTheWindowsSmallestGap() {
    // ages 3000, 1000, 100 s before the target: gaps 2000 and 900, unit 900
    var batch = new ScoreBatch(1, 3, 1, new long[] {1}, new long[] {1, 2, 3}, new float[3], new long[] {4},
        new long[] {3000, 1000, 100});
    var r = SequentialBaselines.intervalMatrix(batch, new int[] {3}, 2);
    assertThat(r).containsExactly(0, 2, 2, 2, 0, 1, 2, 1, 0);
    var noTimes = new ScoreBatch(1, 3, 1, new long[] {1}, new long[] {1, 2, 3}, new float[3], new long[] {4});
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SequentialBaselines.intervalMatrix(noTimes, new int[] {3}, 2))
        .hasMessageContaining("TiSASRec needs the history's times");
  }

  // ---- plain-Java transcriptions -------------------------------------------------------------

  private static Map<String, float[]> values(LrdModel model) {
    var out = new java.util.HashMap<String, float[]>();
    model.parameters().all().forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  private static double[] row(float[] table, int r) {
    var out = new double[D];
    for (int k = 0; k < D; k++) {
      out[k] = table[r * D + k];
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }

  /** W x + b, W out×in row-major. */
  private static double[] lin(Map<String, float[]> p, String k, double[] x) {
    var w = p.get(k + "weight");
    var b = p.get(k + "bias");
    int out = b.length;
    var y = new double[out];
    for (int o = 0; o < out; o++) {
      double s = b[o];
      for (int i = 0; i < x.length; i++) {
        s += w[o * x.length + i] * x[i];
      }
      y[o] = s;
    }
    return y;
  }

  private static double[] ln(Map<String, float[]> p, String k, double[] x) {
    double mean = 0;
    for (double v : x) {
      mean += v / x.length;
    }
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean) / x.length;
    }
    var g = p.get(k + "weight");
    var b = p.get(k + "bias");
    var y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (x[i] - mean) / Math.sqrt(var + 1e-8) * g[i] + b[i];
    }
    return y;
  }

  private static double[] add(double[] a, double[] b) {
    var y = a.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] += b[i];
    }
    return y;
  }

  private static double[] relu(double[] a) {
    var y = a.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.max(0, y[i]);
    }
    return y;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static double[] feedForward(Map<String, float[]> p, String k, double[] y) {
    return add(y, lin(p, k + "ff2.", relu(lin(p, k + "ff1.", y))));
  }

  /** SASRec: x_k = E·√d + P[len−k]; blocks Q = LN(x), x = Q + Wo·MHA(Q, x, x), y = LN(x), x = y + FFN(y). */
  private static double[] sasrec(Map<String, float[]> p, int[] hist, int layers, int heads) {
    int len = hist.length;
    var x = new double[len][];
    for (int k = 0; k < len; k++) {
      x[k] = add(scale(row(p.get("entity"), hist[k]), Math.sqrt(D)), row(p.get("sasrec.pos"), len - k));
    }
    for (int l = 0; l < layers; l++) {
      var pre = "sasrec." + l + ".";
      var q = new double[len][];
      var key = new double[len][];
      var v = new double[len][];
      var qIn = new double[len][];
      for (int k = 0; k < len; k++) {
        qIn[k] = ln(p, pre + "norm1.", x[k]);
        q[k] = lin(p, pre + "q.", qIn[k]);
        key[k] = lin(p, pre + "k.", x[k]);
        v[k] = lin(p, pre + "v.", x[k]);
      }
      var next = new double[len][];
      for (int i = 0; i < len; i++) {
        var ctx = causalAttention(q, key, v, null, null, i, heads);
        var attn = lin(p, pre + "out.", ctx);
        var y = ln(p, pre + "norm2.", add(qIn[i], attn));
        next[i] = feedForward(p, pre, y);
      }
      x = next;
    }
    return ln(p, "sasrec.final.", x[len - 1]);
  }

  /** TiSASRec: e_ij = Q_i·(K_j + P^K_j + R^K_ij)/√dk, z_i = Σ α_ij (V_j + P^V_j + R^V_ij). */
  private static double[] tisasrec(Map<String, float[]> p, int[] hist, long[] ages, int layers, int heads) {
    int len = hist.length;
    long unit = Long.MAX_VALUE;
    for (int k = 1; k < len; k++) {
      long gap = Math.abs(ages[k - 1] - ages[k]);
      if (gap > 0) {
        unit = Math.min(unit, gap);
      }
    }
    if (unit == Long.MAX_VALUE) {
      unit = 1;
    }
    var tk = new double[len][len][];
    var tv = new double[len][len][];
    for (int i = 0; i < len; i++) {
      for (int j = 0; j < len; j++) {
        int r = (int) Math.min(SequentialBaselines.TISASREC_SPAN, Math.abs(ages[i] - ages[j]) / unit);
        tk[i][j] = row(p.get("tisasrec.timeK"), r);
        tv[i][j] = row(p.get("tisasrec.timeV"), r);
      }
    }
    var x = new double[len][];
    var pk = new double[len][];
    var pv = new double[len][];
    for (int k = 0; k < len; k++) {
      x[k] = scale(row(p.get("entity"), hist[k]), Math.sqrt(D));
      pk[k] = row(p.get("tisasrec.posK"), len - k);
      pv[k] = row(p.get("tisasrec.posV"), len - k);
    }
    for (int l = 0; l < layers; l++) {
      var pre = "tisasrec." + l + ".";
      var q = new double[len][];
      var key = new double[len][];
      var v = new double[len][];
      var qIn = new double[len][];
      for (int k = 0; k < len; k++) {
        qIn[k] = ln(p, pre + "norm1.", x[k]);
        q[k] = lin(p, pre + "q.", qIn[k]);
        key[k] = add(lin(p, pre + "k.", x[k]), pk[k]);
        v[k] = add(lin(p, pre + "v.", x[k]), pv[k]);
      }
      var next = new double[len][];
      for (int i = 0; i < len; i++) {
        var ctx = causalAttention(q, key, v, tk, tv, i, heads);
        var y = ln(p, pre + "norm2.", add(qIn[i], ctx));
        next[i] = feedForward(p, pre, y);
      }
      x = next;
    }
    return ln(p, "tisasrec.final.", x[len - 1]);
  }

  /** Query i over keys 0..i, per head; with tk/tv, the pair terms of TiSASRec. */
  private static double[] causalAttention(double[][] q, double[][] key, double[][] v, double[][][] tk,
      double[][][] tv, int i, int heads) {
    int dk = D / heads;
    var out = new double[D];
    for (int h = 0; h < heads; h++) {
      var e = new double[i + 1];
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int t = h * dk; t < (h + 1) * dk; t++) {
          s += q[i][t] * (key[j][t] + (tk == null ? 0 : tk[i][j][t]));
        }
        e[j] = s / Math.sqrt(dk);
        max = Math.max(max, e[j]);
      }
      double z = 0;
      for (int j = 0; j <= i; j++) {
        e[j] = Math.exp(e[j] - max);
        z += e[j];
      }
      for (int j = 0; j <= i; j++) {
        for (int t = h * dk; t < (h + 1) * dk; t++) {
          out[t] += e[j] / z * (v[j][t] + (tv == null ? 0 : tv[i][j][t]));
        }
      }
    }
    return out;
  }

  /** GRU (PyTorch's gate order r, z, n) over the history, then the output layer. */
  private static double[] gru4rec(Map<String, float[]> p, int[] hist) {
    var h = new double[D];
    for (int item : hist) {
      var gi = lin(p, "gru4rec.input.", row(p.get("entity"), item));
      var gh = lin(p, "gru4rec.hidden.", h);
      var next = new double[D];
      for (int k = 0; k < D; k++) {
        double r = sigmoid(gi[k] + gh[k]);
        double z = sigmoid(gi[D + k] + gh[D + k]);
        double n = Math.tanh(gi[2 * D + k] + r * gh[2 * D + k]);
        next[k] = (1 - z) * n + z * h[k];
      }
      h = next;
    }
    return lin(p, "gru4rec.out.", h);
  }

  /** Caser on the latest L items (zero rows where the history is shorter), then W'[z; P_u]. */
  private static double[] caser(Map<String, float[]> p, int[] hist, double[] user) {
    int window = Math.min(SequentialBaselines.CASER_WINDOW, N);
    var e = new double[window][D];
    for (int l = 0; l < window; l++) {
      int src = hist.length - window + l;
      if (src >= 0) {
        e[l] = row(p.get("entity"), hist[src]);
      }
    }
    int nh = SequentialBaselines.CASER_HORIZONTAL;
    int nv = SequentialBaselines.CASER_VERTICAL;
    var o = new double[nh * window + nv * D];
    int at = 0;
    for (int k = 1; k <= window; k++) {
      var w = p.get("caser.h" + k + ".weight");
      var b = p.get("caser.h" + k + ".bias");
      for (int f = 0; f < nh; f++) {
        double best = Double.NEGATIVE_INFINITY;
        for (int s = 0; s + k <= window; s++) {
          double acc = b[f];
          for (int t = 0; t < k; t++) {
            for (int j = 0; j < D; j++) {
              acc += w[f * k * D + t * D + j] * e[s + t][j];
            }
          }
          best = Math.max(best, Math.max(0, acc));
        }
        o[at + f] = best;
      }
      at += nh;
    }
    var wv = p.get("caser.v.weight");
    var bv = p.get("caser.v.bias");
    for (int f = 0; f < nv; f++) {
      for (int j = 0; j < D; j++) {
        double acc = bv[f];
        for (int l = 0; l < window; l++) {
          acc += wv[f * window + l] * e[l][j];
        }
        o[at + f * D + j] = acc;
      }
    }
    var z = relu(lin(p, "caser.fc.", o));
    var zu = new double[2 * D];
    System.arraycopy(z, 0, zu, 0, D);
    System.arraycopy(user, 0, zu, D, D);
    return lin(p, "caser.out.", zu);
  }

  private static double[] scale(double[] a, double s) {
    var y = a.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] *= s;
    }
    return y;
  }
}
