package org.lrdstream.trainer.offline;

import java.util.List;

/**
 * When an offline run stops, judged on its dev NDCG@5 after each epoch (the model tested is always
 * the best dev epoch's; only the length of the run differs).
 */
public enum EarlyStop {
  /** After {@code patience} epochs without a better dev NDCG@5 (MODEL.md; the paper's text says 10). */
  PATIENCE,
  /**
   * The rule of the reference code's runner (the ReChorus version the paper's code is built on):
   * past epoch 20, stop when the last {@code patience} dev values never rose (each at most the one
   * before), or 20 epochs after the best. Its logged runs used a patience of 5: the published
   * KDA+LRD run on Office stopped at epoch 76, 20 after its best at 56.
   */
  REFERENCE;

  /** Epochs after the best at which {@link #REFERENCE} stops whatever the last values did. */
  static final int REFERENCE_WINDOW = 20;

  /**
   * Whether to stop after the epochs so far.
   *
   * @param dev the dev NDCG@5 of epochs 1..E, in order
   * @param bestEpoch the (1-based) epoch of the first best value
   */
  public boolean stop(List<Double> dev, int bestEpoch, int patience) {
    int epochs = dev.size();
    if (epochs == 0) {
      return false;
    }
    return switch (this) {
      case PATIENCE -> epochs - bestEpoch >= patience;
      case REFERENCE -> epochs - bestEpoch >= REFERENCE_WINDOW
          || epochs > REFERENCE_WINDOW && nonIncreasing(dev.subList(Math.max(0, epochs - patience), epochs));
    };
  }

  private static boolean nonIncreasing(List<Double> values) {
    for (int k = 1; k < values.size(); k++) {
      if (values.get(k) > values.get(k - 1)) {
        return false;
      }
    }
    return true;
  }

  /** Parses {@code patience} or {@code reference} (any case). */
  public static EarlyStop parse(String s) {
    try {
      return valueOf(s.strip().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("early stop must be patience or reference, got '" + s + "'");
    }
  }
}
