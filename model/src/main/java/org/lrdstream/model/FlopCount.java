package org.lrdstream.model;

/**
 * An analytic count of the floating-point operations of the model (2 per multiply-add, matrix
 * products only: they are nearly all of the work; element-wise operations, softmax and LayerNorm
 * are left out, so the rate it gives is a lower bound). Backward is counted as twice the forward.
 */
public final class FlopCount {
  private FlopCount() {}

  /** Forward FLOPs of scoring one (user, candidate) pair. */
  public static double perPair(ModelConfig c, int relations, int history) {
    double d = c.dim();
    double r = relations;
    double n = history;
    double attention = 2 * r * n * d * 2; // intensities and aggregation
    double perLayer = 3 * r * d * d * 2 // Q, K, V
        + 2 * r * r * d * 2 // scores and context over all heads
        + 2 * r * d * d * 2; // feed-forward
    return attention + c.layers() * perLayer + 2 * d;
  }

  /** Forward FLOPs of LRD for one training example (its n history pairs). */
  public static double lrdPerExample(ModelConfig c, int relations, int history, int inputDim) {
    if (!c.lrdEnabled()) {
      return 0;
    }
    double d = c.dim();
    double n = history;
    return (n + 1) * inputDim * d * 2 + n * 2 * d * relations * 2 + n * relations * d * 2 + 2 * n * d * 3;
  }

  /** FLOPs of one training epoch (forward and backward) over {@code examples} examples. */
  public static double trainingEpoch(ModelConfig c, int relations, int inputDim, long examples) {
    int cands = 1 + c.trainNegatives();
    double forward = examples * (cands * perPair(c, relations, c.historyMax())
        + lrdPerExample(c, relations, c.historyMax(), inputDim));
    return 3 * forward;
  }

  /** FLOPs of one evaluation pass: {@code rows} users × {@code candidates} candidates. */
  public static double evaluation(ModelConfig c, int relations, long rows, int candidates) {
    return rows * candidates * perPair(c, relations, c.historyMax());
  }
}
