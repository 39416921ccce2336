package org.lrdstream.trainer.offline;

/** Progress of a training run, for progress bars and logs. */
public interface FitListener {
  default void batchDone(int epoch, int batch, int batches, double loss) {}

  default void epochDone(EpochLog log, boolean best) {}

  default void resumed(int epoch, int bestEpoch) {}

  /** LRD's classifier had been one-hot for {@code epochs} epochs; its Adam moments were reset ({@code lrdrestart}). */
  default void lrdRestarted(int epoch, int epochs) {}

  /**
   * A batch's loss or gradient was not finite ({@code problem}); it was computed again from the
   * same parameters, and {@code repeatFinite} says whether the repeat was finite (then it was used)
   * or not (then the batch was skipped, no update).
   */
  default void nonFinite(int epoch, int batch, String problem, boolean repeatFinite) {}

  FitListener NONE = new FitListener() {};
}
