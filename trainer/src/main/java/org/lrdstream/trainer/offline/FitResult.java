package org.lrdstream.trainer.offline;

import java.util.List;

/**
 * The outcome of one training run: the epoch with the best dev NDCG@5 (the model kept), its dev and
 * test metrics, and the training curve.
 */
public record FitResult(int epochs, int bestEpoch, Metrics dev, Metrics test, int[] testRanks, Metrics testFullCatalog,
    double trainSecondsPerEpoch, double evalSeconds, List<EpochLog> curve) {}
