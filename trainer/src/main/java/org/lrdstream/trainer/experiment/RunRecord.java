package org.lrdstream.trainer.experiment;

import java.util.List;
import java.util.Map;

/**
 * One finished (model, seed) run as recorded in {@code OUT/runs/}: what {@code results.json}
 * lists, plus the per-user test ranks (for the paired tests) and the training curve.
 */
public record RunRecord(
    String model,
    int seed,
    int epochs,
    int bestEpoch,
    double trainSecondsPerEpoch,
    double evalSeconds,
    Map<String, Double> dev,
    Map<String, Double> test,
    Map<String, Double> testFullCatalog,
    Map<String, Object> config,
    int[] testRanks,
    List<Map<String, Object>> curve) {}
