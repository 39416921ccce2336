package org.lrdstream.model;

/**
 * An analytic count of the floating-point operations of the model (2 per multiply-add, matrix
 * products only: they are nearly all of the work; element-wise operations, softmax and LayerNorm
 * are left out, so the rate it gives is a lower bound). Backward is counted as twice the forward.
 */
public final class FlopCount {
  private FlopCount() {}

  /**
   * Forward FLOPs of scoring one (user, candidate) pair once the history is encoded: everything for
   * RCF and KDA (their history summary depends on the candidate), one dot product for a baseline.
   */
  public static double perPair(ModelConfig c, int relations, int history) {
    double d = c.dim();
    if (!c.backbone().relationAware()) {
      return 2 * d;
    }
    double r = relations;
    double n = history;
    double attention = 2 * r * n * d * 2; // intensities and aggregation
    double perLayer = 3 * r * d * d * 2 // Q, K, V
        + 2 * r * r * d * 2 // scores and context over all heads
        + 2 * r * d * d * 2; // feed-forward
    return attention + c.layers() * perLayer + 2 * d;
  }

  /**
   * Forward FLOPs of encoding one history, shared by all its candidates: 0 for RCF and KDA, the
   * whole encoder for a baseline ({@link SequentialBaselines}; full-length histories).
   */
  public static double perHistory(ModelConfig c, int history) {
    double d = c.dim();
    double n = history;
    double layers = c.layers();
    return switch (c.backbone()) {
      case RCF, KDA -> 0;
      // Q, K, V, output projections; scores and context; feed-forward
      case SASREC -> layers * (4 * n * d * d * 2 + 2 * n * n * d * 2 + 2 * n * d * d * 2);
      // Q, K, V; scores against keys, positions and intervals; context from values, positions and intervals; feed-forward
      case TISASREC -> layers * (3 * n * d * d * 2 + 3 * n * n * d * 2 + 3 * n * n * d * 2 + 2 * n * d * d * 2);
      // input and hidden gates per step, then the output layer
      case GRU4REC -> n * (3 * d * d * 2 + 3 * d * d * 2) + d * d * 2;
      case CASER -> {
        double window = SequentialBaselines.caserWindow(c);
        double horizontal = 0;
        for (int k = 1; k <= window; k++) {
          horizontal += (window - k + 1) * SequentialBaselines.CASER_HORIZONTAL * k * d * 2;
        }
        double vertical = SequentialBaselines.CASER_VERTICAL * window * d * 2;
        double fc = d * (SequentialBaselines.CASER_HORIZONTAL * window + SequentialBaselines.CASER_VERTICAL * d) * 2;
        yield horizontal + vertical + fc + d * 2 * d * 2;
      }
    };
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
    double forward = examples * (perHistory(c, c.historyMax()) + cands * perPair(c, relations, c.historyMax())
        + lrdPerExample(c, relations, c.historyMax(), inputDim));
    return 3 * forward;
  }

  /** FLOPs of one evaluation pass: {@code rows} users × {@code candidates} candidates. */
  public static double evaluation(ModelConfig c, int relations, long rows, int candidates) {
    return rows * (perHistory(c, c.historyMax()) + candidates * perPair(c, relations, c.historyMax()));
  }

  /**
   * This machine's FP32 peak in GFLOP/s, read from {@code /proc/cpuinfo}: cores × clock × FLOPs
   * per cycle per core, the last taken from the widest fused multiply-add the flags show — 64 with
   * AVX-512 (two 512-bit FMA pipes, as on Xeon server cores), 32 with AVX2 and FMA (two 256-bit
   * pipes), 16 otherwise. The clock is the nominal one ({@code cpu MHz}); cores that throttle under
   * wide vector work reach less. {@code fallback} where the file cannot be read (not Linux).
   */
  public static double machinePeakGflops(double fallback) {
    try {
      var text = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo"));
      return peakGflops(text, Runtime.getRuntime().availableProcessors(), fallback);
    } catch (java.io.IOException | RuntimeException e) {
      return fallback;
    }
  }

  /** {@link #machinePeakGflops} from a {@code /proc/cpuinfo} text. */
  static double peakGflops(String cpuinfo, int cores, double fallback) {
    double mhz = 0;
    String flags = "";
    for (var line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      var key = line.substring(0, colon).trim();
      var value = line.substring(colon + 1).trim();
      if (key.equals("cpu MHz") && mhz == 0) {
        mhz = Double.parseDouble(value);
      } else if (key.equals("flags") && flags.isEmpty()) {
        flags = " " + value + " ";
      }
    }
    if (mhz <= 0 || flags.isEmpty()) {
      return fallback;
    }
    int perCycle = flags.contains(" avx512f ") ? 64 : flags.contains(" avx2 ") && flags.contains(" fma ") ? 32 : 16;
    return cores * mhz / 1000 * perCycle;
  }
}
