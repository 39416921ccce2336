package org.lrdstream.trainer.analysis;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.lrdstream.data.Dataset;
import org.lrdstream.model.LrdModel;

/**
 * The item pairs each relation explains best (the paper's Figure 4): candidate pairs are drawn from
 * real histories — every (earlier item, later item) within {@code window} steps of a user's
 * training sequence, the pairs LRD is trained on — and scored by the LRD classifier's probability
 * of each relation.
 */
public final class TopPairs {
  private static final int BATCH = 8192;

  private TopPairs() {}

  /** A scored (head → tail) pair of item ids. */
  public record Pair(int head, int tail, double probability) {}

  /** Distinct (earlier, later) item pairs from the training sequences, in first-seen order. */
  public static int[][] candidatePairs(Dataset data, int window, int maxPairs, long seed) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, got " + window);
    }
    var seqs = new ArrayList<List<Integer>>();
    for (int u = 0; u <= data.numUsers(); u++) {
      seqs.add(new ArrayList<>());
    }
    data.train().forEach(x -> seqs.get(x.user()).add(x.item()));
    var seen = new java.util.HashSet<Long>();
    var heads = new ArrayList<Integer>();
    var tails = new ArrayList<Integer>();
    for (var s : seqs) {
      for (int t = 1; t < s.size(); t++) {
        for (int i = Math.max(0, t - window); i < t; i++) {
          int h = s.get(i);
          int j = s.get(t);
          if (h != j && seen.add(((long) h << 32) | j)) {
            heads.add(h);
            tails.add(j);
          }
        }
      }
    }
    int n = heads.size();
    var order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (maxPairs > 0 && n > maxPairs) {
      // a seeded uniform sample, so that a re-run gives the same tables
      var rng = new SplittableRandom(seed);
      for (int i = 0; i < maxPairs; i++) {
        int k = i + rng.nextInt(n - i);
        int tmp = order[i];
        order[i] = order[k];
        order[k] = tmp;
      }
      n = maxPairs;
    }
    var out = new int[2][n];
    for (int i = 0; i < n; i++) {
      out[0][i] = heads.get(order[i]);
      out[1][i] = tails.get(order[i]);
    }
    return out;
  }

  /**
   * What a pass over the candidate pairs found, per relation: its top pairs, the share of pairs
   * whose most probable relation it is, and its mean probability.
   */
  public record Scan(List<List<Pair>> top, double[] argmaxShare, double[] meanProbability) {}

  /**
   * For every relation, the {@code top} pairs with the highest probability under the LRD
   * classifier, best first; at most {@code maxPerItem} of them share a head or a tail item (0: no
   * limit), so that one popular item does not fill a relation's table.
   */
  public static Scan top(LrdModel model, int[][] pairs, int top, int maxPerItem) {
    if (!model.config().lrdEnabled()) {
      throw new IllegalArgumentException("the model has no LRD head (a +LRD model is needed to score relation pairs)");
    }
    int r = model.schema().size();
    int n = pairs[0].length;
    // keep a generous pool per relation, then apply the per-item limit in order
    int pool = maxPerItem > 0 ? Math.max(top * 20, 200) : top;
    var heaps = new ArrayList<PriorityQueue<Pair>>();
    for (int k = 0; k < r; k++) {
      heaps.add(new PriorityQueue<>(Comparator.comparingDouble(Pair::probability)));
    }
    var share = new double[r];
    var mean = new double[r];
    for (int start = 0; start < n; start += BATCH) {
      int len = Math.min(BATCH, n - start);
      var h = new long[len];
      var t = new long[len];
      for (int i = 0; i < len; i++) {
        h[i] = pairs[0][start + i];
        t[i] = pairs[1][start + i];
      }
      float[] q;
      try (NDManager m = model.manager().newSubManager()) {
        q = model.relationDistribution(m, h, t).toFloatArray();
      }
      for (int i = 0; i < len; i++) {
        int best = 0;
        for (int k = 0; k < r; k++) {
          var heap = heaps.get(k);
          double p = q[i * r + k];
          mean[k] += p;
          if (p > q[i * r + best]) {
            best = k;
          }
          if (heap.size() < pool) {
            heap.add(new Pair((int) h[i], (int) t[i], p));
          } else if (p > heap.peek().probability()) {
            heap.poll();
            heap.add(new Pair((int) h[i], (int) t[i], p));
          }
        }
        share[best]++;
      }
    }
    for (int k = 0; k < r; k++) {
      share[k] /= Math.max(1, n);
      mean[k] /= Math.max(1, n);
    }
    var out = new ArrayList<List<Pair>>();
    for (var heap : heaps) {
      var sorted = new ArrayList<>(heap);
      sorted.sort(Comparator.comparingDouble(Pair::probability).reversed()
          .thenComparingInt(Pair::head).thenComparingInt(Pair::tail));
      var uses = new HashMap<Integer, Integer>();
      var kept = new ArrayList<Pair>();
      for (var p : sorted) {
        if (kept.size() == top) {
          break;
        }
        if (maxPerItem > 0 && (uses.getOrDefault(p.head(), 0) >= maxPerItem || uses.getOrDefault(p.tail(), 0) >= maxPerItem)) {
          continue;
        }
        uses.merge(p.head(), 1, Integer::sum);
        uses.merge(p.tail(), 1, Integer::sum);
        kept.add(p);
      }
      out.add(List.copyOf(kept));
    }
    return new Scan(out, share, mean);
  }
}
