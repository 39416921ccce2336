package org.lrdstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import java.util.SplittableRandom;

/**
 * The four sequential baselines of the paper's Table 3, each a history encoder whose output
 * {@code h} (B×d) scores item j as {@code h · E_j + b_j} with the runner's item embeddings (the
 * item rows of {@code entity}) and item bias. They read the same batches as RCF and KDA and train
 * with the same BPR loss; they ignore relations (no KGE, no LRD unless asked for).
 *
 * <ul>
 *   <li><b>SASRec</b> (Kang and McAuley 2018), as the authors' code: item embedding × √d plus a
 *       learned position embedding (positions counted back from the latest item, so the latest is
 *       always position 1, as in the authors' right-aligned windows), dropout; {@code layers} blocks
 *       of {@code Q = LN(x)}, {@code x = Q + MHA(Q, x, x)} with a causal mask, {@code y = LN(x)},
 *       {@code x = y + FFN(y)}; a final LayerNorm; the latest position's output.
 *   <li><b>TiSASRec</b> (Li, Wang and McAuley 2020): the same blocks with the paper's
 *       time-interval-aware attention, {@code e_ij = Q_i (K_j + P^K_j + R^K_ij)ᵀ / √d_k} and
 *       {@code z_i = Σ_j α_ij (V_j + P^V_j + R^V_ij)}, where {@code r_ij = min(⌊|t_i − t_j| / u⌋,
 *       256)} and u is the smallest positive gap between consecutive items of the window (the paper
 *       takes the user's smallest gap; the window is what a streaming scorer has).
 *   <li><b>GRU4Rec</b> (Hidasi et al. 2016): one GRU layer of width d over the history's item
 *       embeddings; its state after the latest item through a linear layer.
 *   <li><b>Caser</b> (Tang and Wang 2018): the latest L = 5 item embeddings as an L×d image;
 *       16 horizontal filters of each height 1..L (ReLU, max-pooled over time) and 4 vertical
 *       filters; concatenated, dropout, a fully connected layer with ReLU, then with the user
 *       embedding through a linear layer ({@code W'[z; P_u]}).
 * </ul>
 *
 * <p>Parameters are named {@code <model>.<part>} and initialised N(0, 0.01²) like the rest of the
 * model (LayerNorm gains 1, biases of LayerNorm 0).
 */
public final class SequentialBaselines {
  private SequentialBaselines() {}

  /** Caser's window L and filter counts (the Caser paper's settings). */
  public static final int CASER_WINDOW = 5;
  public static final int CASER_HORIZONTAL = 16;
  public static final int CASER_VERTICAL = 4;
  /** TiSASRec's largest relative interval k (the TiSASRec paper's setting for its data sets). */
  public static final int TISASREC_SPAN = 256;

  public static void create(ParameterSet p, SplittableRandom rng, ModelConfig c) {
    int d = c.dim();
    int n = c.historyMax();
    switch (c.backbone()) {
      case SASREC -> {
        p.normal("sasrec.pos", rng, 0.01f, n + 1L, d);
        for (int l = 0; l < c.layers(); l++) {
          block(p, rng, "sasrec." + l + ".", d, true);
        }
        norm(p, "sasrec.final.", d);
      }
      case TISASREC -> {
        p.normal("tisasrec.posK", rng, 0.01f, n + 1L, d);
        p.normal("tisasrec.posV", rng, 0.01f, n + 1L, d);
        p.normal("tisasrec.timeK", rng, 0.01f, TISASREC_SPAN + 1L, d);
        p.normal("tisasrec.timeV", rng, 0.01f, TISASREC_SPAN + 1L, d);
        for (int l = 0; l < c.layers(); l++) {
          block(p, rng, "tisasrec." + l + ".", d, false);
        }
        norm(p, "tisasrec.final.", d);
      }
      case GRU4REC -> {
        p.normal("gru4rec.input.weight", rng, 0.01f, 3L * d, d);
        p.normal("gru4rec.input.bias", rng, 0.01f, 3L * d);
        p.normal("gru4rec.hidden.weight", rng, 0.01f, 3L * d, d);
        p.normal("gru4rec.hidden.bias", rng, 0.01f, 3L * d);
        p.normal("gru4rec.out.weight", rng, 0.01f, d, d);
        p.normal("gru4rec.out.bias", rng, 0.01f, d);
      }
      case CASER -> {
        int window = caserWindow(c);
        for (int k = 1; k <= window; k++) {
          p.normal("caser.h" + k + ".weight", rng, 0.01f, CASER_HORIZONTAL, (long) k * d);
          p.normal("caser.h" + k + ".bias", rng, 0.01f, CASER_HORIZONTAL);
        }
        p.normal("caser.v.weight", rng, 0.01f, CASER_VERTICAL, window);
        p.normal("caser.v.bias", rng, 0.01f, CASER_VERTICAL);
        p.normal("caser.fc.weight", rng, 0.01f, d, (long) CASER_HORIZONTAL * window + (long) CASER_VERTICAL * d);
        p.normal("caser.fc.bias", rng, 0.01f, d);
        p.normal("caser.out.weight", rng, 0.01f, d, 2L * d);
        p.normal("caser.out.bias", rng, 0.01f, d);
      }
      default -> throw new IllegalArgumentException(c.backbone() + " is not a baseline");
    }
  }

  static int caserWindow(ModelConfig c) {
    return Math.min(CASER_WINDOW, c.historyMax());
  }

  private static void block(ParameterSet p, SplittableRandom rng, String k, int d, boolean outProjection) {
    norm(p, k + "norm1.", d);
    for (var part : new String[] {"q", "k", "v"}) {
      p.normal(k + part + ".weight", rng, 0.01f, d, d);
      p.normal(k + part + ".bias", rng, 0.01f, d);
    }
    if (outProjection) {
      p.normal(k + "out.weight", rng, 0.01f, d, d);
      p.normal(k + "out.bias", rng, 0.01f, d);
    }
    norm(p, k + "norm2.", d);
    p.normal(k + "ff1.weight", rng, 0.01f, d, d);
    p.normal(k + "ff1.bias", rng, 0.01f, d);
    p.normal(k + "ff2.weight", rng, 0.01f, d, d);
    p.normal(k + "ff2.bias", rng, 0.01f, d);
  }

  private static void norm(ParameterSet p, String k, int d) {
    p.constant(k + "weight", 1f, d);
    p.constant(k + "bias", 0f, d);
  }

  /**
   * The history representation h of each example, B×d.
   *
   * @param users the batch's user embeddings, B×d (Caser reads them)
   */
  public static NDArray encode(ParameterSet p, ModelConfig c, NDManager m, ScoreBatch batch, NDArray users,
      boolean training) {
    return switch (c.backbone()) {
      case SASREC -> sasrec(p, c, m, batch, training);
      case TISASREC -> tisasrec(p, c, m, batch, training);
      case GRU4REC -> gru4rec(p, c, m, batch, training);
      case CASER -> caser(p, c, m, batch, users, training);
      default -> throw new IllegalArgumentException(c.backbone() + " is not a baseline");
    };
  }

  // ---- the layout of a batch -----------------------------------------------------------------

  /** Valid history items per example (histories are left-aligned, 0-padded at the end). */
  static int[] lengths(ScoreBatch batch) {
    int b = batch.size();
    int n = batch.historyLength();
    var len = new int[b];
    for (int i = 0; i < b; i++) {
      int k = 0;
      while (k < n && batch.history()[i * n + k] > 0) {
        k++;
      }
      len[i] = k;
    }
    return len;
  }

  /** Positions counted back from the latest item (1 = latest), 0 for padding: B×n. */
  static long[] recency(int[] len, int n) {
    var pos = new long[len.length * n];
    for (int i = 0; i < len.length; i++) {
      for (int k = 0; k < len[i]; k++) {
        pos[i * n + k] = len[i] - k;
      }
    }
    return pos;
  }

  /** 1 at each example's latest item, B×n (all 0 for an empty history). */
  static float[] latest(int[] len, int n) {
    var out = new float[len.length * n];
    for (int i = 0; i < len.length; i++) {
      if (len[i] > 0) {
        out[i * n + len[i] - 1] = 1f;
      }
    }
    return out;
  }

  /** Additive attention mask B×1×n×n: 0 where query i may see key j (j ≤ i, j valid), else −1e9. */
  static float[] causalMask(int[] len, int n) {
    var out = new float[len.length * n * n];
    for (int b = 0; b < len.length; b++) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          boolean visible = j <= i && j < len[b];
          out[(b * n + i) * n + j] = visible ? 0f : -1e9f;
        }
      }
    }
    return out;
  }

  /**
   * TiSASRec's relative intervals r_ij = min(⌊|t_i − t_j| / u⌋, span), B×n×n, with u the smallest
   * positive gap between consecutive items of the example's window (1 s when there is none).
   */
  public static long[] intervalMatrix(ScoreBatch batch, int[] len, int span) {
    if (batch.ages() == null) {
      throw new IllegalArgumentException("TiSASRec needs the history's times: this batch has none (ScoreBatch.ages)");
    }
    int n = batch.historyLength();
    var ages = batch.ages();
    var out = new long[len.length * n * n];
    for (int b = 0; b < len.length; b++) {
      long unit = Long.MAX_VALUE;
      for (int k = 1; k < len[b]; k++) {
        long gap = Math.abs(ages[b * n + k - 1] - ages[b * n + k]);
        if (gap > 0) {
          unit = Math.min(unit, gap);
        }
      }
      if (unit == Long.MAX_VALUE) {
        unit = 1;
      }
      for (int i = 0; i < len[b]; i++) {
        for (int j = 0; j < len[b]; j++) {
          long r = Math.abs(ages[b * n + i] - ages[b * n + j]) / unit;
          out[(b * n + i) * n + j] = Math.min(span, r);
        }
      }
    }
    return out;
  }

  // ---- the models ------------------------------------------------------------------------------

  private static NDArray sasrec(ParameterSet p, ModelConfig c, NDManager m, ScoreBatch batch, boolean training) {
    int b = batch.size();
    int n = batch.historyLength();
    int d = c.dim();
    var len = lengths(batch);
    var hist = m.create(batch.history(), new Shape(b, n));
    var valid = hist.gt(0).toType(DataType.FLOAT32, false).expandDims(2); // B,n,1
    var x = Scalars.times(LrdModel.gather(hist, p.get("entity")), (float) Math.sqrt(d))
        .add(LrdModel.gather(m.create(recency(len, n), new Shape(b, n)), p.get("sasrec.pos")));
    x = RelationSelfAttention.drop(x, c.dropout(), training).mul(valid);
    var mask = m.create(causalMask(len, n), new Shape(b, 1, n, n));
    for (int l = 0; l < c.layers(); l++) {
      var k = "sasrec." + l + ".";
      var q = layerNorm(p, k + "norm1.", x, d);
      var attn = attention(p, k, q, x, mask, c.heads(), c.dropout(), training);
      attn = linear(p, k + "out.", attn);
      x = q.add(attn);
      x = feedForward(p, k, layerNorm(p, k + "norm2.", x, d), c.dropout(), training).mul(valid);
    }
    x = layerNorm(p, "sasrec.final.", x, d);
    return pickLatest(m, x, len, n);
  }

  private static NDArray tisasrec(ParameterSet p, ModelConfig c, NDManager m, ScoreBatch batch, boolean training) {
    int b = batch.size();
    int n = batch.historyLength();
    int d = c.dim();
    int heads = c.heads();
    int dk = d / heads;
    var len = lengths(batch);
    var hist = m.create(batch.history(), new Shape(b, n));
    var valid = hist.gt(0).toType(DataType.FLOAT32, false).expandDims(2);
    var x = Scalars.times(LrdModel.gather(hist, p.get("entity")), (float) Math.sqrt(d));
    x = RelationSelfAttention.drop(x, c.dropout(), training).mul(valid);
    var pos = m.create(recency(len, n), new Shape(b, n));
    var absK = split(RelationSelfAttention.drop(LrdModel.gather(pos, p.get("tisasrec.posK")), c.dropout(), training), b, n, heads, dk);
    var absV = split(RelationSelfAttention.drop(LrdModel.gather(pos, p.get("tisasrec.posV")), c.dropout(), training), b, n, heads, dk);
    var times = m.create(intervalMatrix(batch, len, TISASREC_SPAN), new Shape(b, n, n));
    // B,n,n,d -> B,h,n,n,dk
    var timeK = RelationSelfAttention.drop(LrdModel.gather(times, p.get("tisasrec.timeK")), c.dropout(), training)
        .reshape(b, n, n, heads, dk).transpose(0, 3, 1, 2, 4);
    var timeV = RelationSelfAttention.drop(LrdModel.gather(times, p.get("tisasrec.timeV")), c.dropout(), training)
        .reshape(b, n, n, heads, dk).transpose(0, 3, 1, 2, 4);
    var mask = m.create(causalMask(len, n), new Shape(b, 1, n, n));
    float scale = (float) (1 / Math.sqrt(dk));
    for (int l = 0; l < c.layers(); l++) {
      var k = "tisasrec." + l + ".";
      var qIn = layerNorm(p, k + "norm1.", x, d);
      var q = split(linear(p, k + "q.", qIn), b, n, heads, dk); // B,h,n,dk
      var key = split(linear(p, k + "k.", x), b, n, heads, dk);
      var v = split(linear(p, k + "v.", x), b, n, heads, dk);
      var scores = Scalars.times(q.matMul(key.add(absK).transpose(0, 1, 3, 2)) // B,h,n,n
          .add(q.expandDims(3).mul(timeK).sum(new int[] {4})), scale).add(mask);
      var weights = RelationSelfAttention.drop(scores.softmax(3), c.dropout(), training);
      var out = weights.matMul(v.add(absV)).add(weights.expandDims(4).mul(timeV).sum(new int[] {3})); // B,h,n,dk
      out = out.transpose(0, 2, 1, 3).reshape(b, n, d);
      x = qIn.add(out);
      x = feedForward(p, k, layerNorm(p, k + "norm2.", x, d), c.dropout(), training).mul(valid);
    }
    x = layerNorm(p, "tisasrec.final.", x, d);
    return pickLatest(m, x, len, n);
  }

  private static NDArray gru4rec(ParameterSet p, ModelConfig c, NDManager m, ScoreBatch batch, boolean training) {
    int b = batch.size();
    int n = batch.historyLength();
    int d = c.dim();
    var len = lengths(batch);
    int steps = 0;
    for (int l : len) {
      steps = Math.max(steps, l);
    }
    var hist = m.create(batch.history(), new Shape(b, n));
    var x = RelationSelfAttention.drop(LrdModel.gather(hist, p.get("entity")), c.dropout(), training);
    var gates = linear(p, "gru4rec.input.", x); // B,n,3d
    var latest = m.create(latest(len, n), new Shape(b, n));
    NDArray h = m.zeros(new Shape(b, d));
    NDArray last = m.zeros(new Shape(b, d));
    var wh = p.get("gru4rec.hidden.weight");
    var bh = p.get("gru4rec.hidden.bias");
    for (int t = 0; t < steps; t++) {
      var gi = gates.get(":, " + t + ", :");
      var gh = h.getNDArrayInternal().linear(h, wh, bh).singletonOrThrow();
      var r = Activation.sigmoid(gi.get(":, 0:" + d).add(gh.get(":, 0:" + d)));
      var z = Activation.sigmoid(gi.get(":, " + d + ":" + 2 * d).add(gh.get(":, " + d + ":" + 2 * d)));
      var cand = Activation.tanh(gi.get(":, " + 2 * d + ":").add(r.mul(gh.get(":, " + 2 * d + ":"))));
      h = z.mul(h).add(z.neg().add(1f).mul(cand));
      last = last.add(h.mul(latest.get(":, " + t + ":" + (t + 1))));
    }
    last = RelationSelfAttention.drop(last, c.dropout(), training);
    return linear(p, "gru4rec.out.", last);
  }

  private static NDArray caser(ParameterSet p, ModelConfig c, NDManager m, ScoreBatch batch, NDArray users,
      boolean training) {
    int b = batch.size();
    int n = batch.historyLength();
    int d = c.dim();
    int window = caserWindow(c);
    var len = lengths(batch);
    // the latest L items, right-aligned (the latest last), 0 where the history is shorter
    var rows = new long[b * window];
    var present = new float[b * window];
    for (int i = 0; i < b; i++) {
      for (int l = 0; l < window; l++) {
        int src = len[i] - window + l;
        if (src >= 0) {
          rows[i * window + l] = batch.history()[i * n + src];
          present[i * window + l] = 1f;
        }
      }
    }
    var e = LrdModel.gather(m.create(rows, new Shape(b, window)), p.get("entity"))
        .mul(m.create(present, new Shape(b, window, 1))); // B,L,d
    var features = new NDList();
    for (int k = 1; k <= window; k++) {
      int positions = window - k + 1;
      var parts = new NDList();
      for (int t = 0; t < k; t++) {
        parts.add(e.get(":, " + t + ":" + (t + positions) + ", :"));
      }
      var windows = k == 1 ? parts.get(0) : NDArrays.concat(parts, 2); // B, L-k+1, k·d
      var conv = Activation.relu(linear(p, "caser.h" + k + ".", windows)); // B, L-k+1, nh
      features.add(conv.max(new int[] {1})); // B, nh
    }
    // vertical filters: weighted sums of the L rows, B × (nv·d)
    var vertical = e.transpose(0, 2, 1).matMul(p.get("caser.v.weight").transpose()) // B,d,nv
        .add(p.get("caser.v.bias")).transpose(0, 2, 1).reshape(b, (long) CASER_VERTICAL * d);
    features.add(vertical);
    var o = RelationSelfAttention.drop(NDArrays.concat(features, 1), c.dropout(), training);
    var z = Activation.relu(linear(p, "caser.fc.", o));
    return linear(p, "caser.out.", z.concat(users, 1));
  }

  // ---- building blocks -------------------------------------------------------------------------

  static NDArray linear(ParameterSet p, String k, NDArray x) {
    return x.getNDArrayInternal().linear(x, p.get(k + "weight"), p.get(k + "bias")).singletonOrThrow();
  }

  private static NDArray layerNorm(ParameterSet p, String k, NDArray x, int d) {
    return LayerNorm.layerNorm(x, new Shape(d), p.get(k + "weight"), p.get(k + "bias"), 1e-8f).singletonOrThrow();
  }

  /** B×n×d → B×h×n×dk. */
  private static NDArray split(NDArray x, int b, int n, int heads, int dk) {
    return x.reshape(b, n, heads, dk).transpose(0, 2, 1, 3);
  }

  /** Scaled dot-product attention of queries {@code qIn} over keys/values {@code kv}, heads concatenated. */
  private static NDArray attention(ParameterSet p, String k, NDArray qIn, NDArray kv, NDArray mask, int heads,
      float dropout, boolean training) {
    var s = qIn.getShape();
    int b = (int) s.get(0);
    int n = (int) s.get(1);
    int d = (int) s.get(2);
    int dk = d / heads;
    var q = split(linear(p, k + "q.", qIn), b, n, heads, dk);
    var key = split(linear(p, k + "k.", kv), b, n, heads, dk);
    var v = split(linear(p, k + "v.", kv), b, n, heads, dk);
    var scores = Scalars.times(q.matMul(key.transpose(0, 1, 3, 2)), (float) (1 / Math.sqrt(dk))).add(mask);
    var weights = RelationSelfAttention.drop(scores.softmax(3), dropout, training);
    return weights.matMul(v).transpose(0, 2, 1, 3).reshape(b, n, d);
  }

  /** The authors' point-wise feed-forward with its residual: {@code y + drop(W2 drop(relu(W1 y)))}. */
  private static NDArray feedForward(ParameterSet p, String k, NDArray y, float dropout, boolean training) {
    var f = RelationSelfAttention.drop(Activation.relu(linear(p, k + "ff1.", y)), dropout, training);
    f = RelationSelfAttention.drop(linear(p, k + "ff2.", f), dropout, training);
    return y.add(f);
  }

  private static NDArray pickLatest(NDManager m, NDArray x, int[] len, int n) {
    var onehot = m.create(latest(len, n), new Shape(len.length, n, 1));
    return x.mul(onehot).sum(new int[] {1});
  }
}
