package org.lrdstream.trainer.offline;

/** Progress of a training run, for progress bars and logs. */
public interface FitListener {
  default void batchDone(int epoch, int batch, int batches, double loss) {}

  default void epochDone(EpochLog log, boolean best) {}

  default void resumed(int epoch, int bestEpoch) {}

  FitListener NONE = new FitListener() {};
}
