package org.lrdstream.trainer.offline;

/** Progress of a training run, for progress bars and logs. */
public interface FitListener {
  default void batchDone(int epoch, int batch, int batches, double loss) {}

  default void epochDone(EpochLog log, boolean best) {}

  default void resumed(int epoch, int bestEpoch) {}

  /** A batch whose loss was not finite was skipped (no update). */
  default void nonFiniteLoss(int epoch, int batch, float loss) {}

  /** A batch whose gradient was not finite (first in {@code parameter}) was skipped (no update). */
  default void nonFiniteGradient(int epoch, int batch, String parameter) {}

  FitListener NONE = new FitListener() {};
}
