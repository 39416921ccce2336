package org.lrdstream.model;

/**
 * One training step's input: the recommendation examples (candidate 0 is the true next item, the
 * others sampled negatives), LRD's negative history items (one per history position, from items
 * the user never touched), and a batch of knowledge-graph triplets with corrupted twins.
 */
public record TrainBatch(ScoreBatch examples, long[] lrdNegatives, KgBatch triplets) {

  /**
   * Shard {@code k} of {@code shards}: a contiguous share of the examples (with their LRD
   * negatives) and the same share of the triplets, sizes differing by at most one.
   */
  public TrainBatch shard(int k, int shards) {
    if (shards < 1 || k < 0 || k >= shards) {
      throw new IllegalArgumentException("shard " + k + " of " + shards);
    }
    int b = examples.size();
    int n = examples.historyLength();
    int e0 = (int) ((long) b * k / shards);
    int e1 = (int) ((long) b * (k + 1) / shards);
    int t = triplets.size();
    int t0 = (int) ((long) t * k / shards);
    int t1 = (int) ((long) t * (k + 1) / shards);
    return new TrainBatch(examples.slice(e0, e1), java.util.Arrays.copyOfRange(lrdNegatives, e0 * n, e1 * n),
        triplets.slice(t0, t1));
  }
}
