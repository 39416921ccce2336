package org.lrdstream.model;

/**
 * One training step's input: the recommendation examples (candidate 0 is the true next item, the
 * others sampled negatives), LRD's negative history items (one per history position, from items
 * the user never touched), and a batch of knowledge-graph triplets with corrupted twins.
 */
public record TrainBatch(ScoreBatch examples, long[] lrdNegatives, KgBatch triplets) {}
