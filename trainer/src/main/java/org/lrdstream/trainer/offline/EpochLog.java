package org.lrdstream.trainer.offline;

/** One epoch of training: mean loss terms, dev metrics and timings. */
public record EpochLog(int epoch, double loss, double rec, double kge, double lrd, double entropy,
    Metrics dev, double trainSeconds, double evalSeconds) {}
