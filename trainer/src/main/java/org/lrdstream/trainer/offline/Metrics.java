package org.lrdstream.trainer.offline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Top-K metrics of leave-one-out ranking (paper §4.1.3): HR@K is whether the held-out item ranks
 * in the top K, NDCG@K is {@code 1/log2(rank+2)} when it does. The rank counts every candidate
 * scoring at least as high as the target, so a tie counts against the target and a model with
 * constant scores gets HR@5 = 0.
 */
public record Metrics(double hr5, double ndcg5, double hr10, double ndcg10, int count) {

  /** 0-based rank of {@code target} among {@code others} (ties against the target; NaN is last). */
  public static int rank(float target, float[] others, int from, int to) {
    if (Float.isNaN(target)) {
      return to - from;
    }
    int rank = 0;
    for (int i = from; i < to; i++) {
      if (others[i] >= target) {
        rank++;
      }
    }
    return rank;
  }

  public static Metrics of(int[] ranks) {
    var acc = new Accumulator();
    for (int r : ranks) {
      acc.add(r);
    }
    return acc.result();
  }

  /** NDCG@K of one 0-based rank. */
  public static double ndcg(int rank, int k) {
    return rank < k ? Math.log(2) / Math.log(rank + 2) : 0;
  }

  /** Accumulates ranks. */
  public static final class Accumulator {
    private double hr5;
    private double ndcg5;
    private double hr10;
    private double ndcg10;
    private int count;

    public void add(int rank) {
      count++;
      if (rank < 5) {
        hr5++;
        ndcg5 += 1 / log2(rank + 2);
      }
      if (rank < 10) {
        hr10++;
        ndcg10 += 1 / log2(rank + 2);
      }
    }

    public Metrics result() {
      int n = Math.max(count, 1);
      return new Metrics(hr5 / n, ndcg5 / n, hr10 / n, ndcg10 / n, count);
    }

    private static double log2(double x) {
      return Math.log(x) / Math.log(2);
    }
  }

  /** The paper's four metrics by name, as in results.json. */
  public Map<String, Double> asMap() {
    var m = new LinkedHashMap<String, Double>();
    m.put("HR@5", hr5);
    m.put("NDCG@5", ndcg5);
    m.put("HR@10", hr10);
    m.put("NDCG@10", ndcg10);
    return m;
  }

  @Override
  public String toString() {
    return String.format("HR@5 %.4f NDCG@5 %.4f HR@10 %.4f NDCG@10 %.4f", hr5, ndcg5, hr10, ndcg10);
  }
}
