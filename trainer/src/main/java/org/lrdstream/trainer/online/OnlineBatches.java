package org.lrdstream.trainer.online;

import java.util.List;
import java.util.SplittableRandom;
import org.lrdstream.model.KgBatch;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ScoreBatch;
import org.lrdstream.model.TrainBatch;
import org.lrdstream.trainer.offline.KnowledgeGraph;
import org.lrdstream.trainer.offline.Sampler;

/**
 * The training batch of a step, as the offline {@link Sampler} builds it: each example with
 * {@code trainNegatives} sampled negatives and one LRD negative per history item, drawn from the
 * items its user has not touched, and as many KG triplets as examples.
 */
final class OnlineBatches {
  private OnlineBatches() {}

  static TrainBatch of(List<Example> examples, ModelConfig config, Vocabulary vocab, KnowledgeGraph graph,
      SplittableRandom rng) {
    int b = examples.size();
    int n = config.historyMax();
    int c = 1 + config.trainNegatives();
    int numItems = vocab.numItems();
    var users = new long[b];
    var hist = new long[b * n];
    var intervals = new float[b * n];
    var ages = new long[b * n];
    boolean timed = true;
    var cands = new long[b * c];
    var lrdNeg = new long[b * n];
    for (int k = 0; k < b; k++) {
      var e = examples.get(k);
      int u = e.user();
      users[k] = u;
      System.arraycopy(e.history(), 0, hist, k * n, n);
      System.arraycopy(e.intervals(), 0, intervals, k * n, n);
      if (e.ages() != null) {
        System.arraycopy(e.ages(), 0, ages, k * n, n);
      } else {
        timed = false;
      }
      cands[k * c] = e.target();
      for (int j = 1; j < c; j++) {
        cands[k * c + j] = negative(vocab, u, e.target(), numItems, rng);
      }
      for (int i = 0; i < n; i++) {
        lrdNeg[k * n + i] = hist[k * n + i] == 0 ? 0 : negative(vocab, u, e.target(), numItems, rng);
      }
    }
    var scoreBatch = new ScoreBatch(b, n, c, users, hist, intervals, cands, timed ? ages : null);
    KgBatch kg = config.gammaKge() > 0 ? graph.sample(b, rng) : KgBatch.empty();
    return new TrainBatch(scoreBatch, lrdNeg, kg);
  }

  /**
   * An item the user has not touched (the offline sampler's rule); for a user who has touched
   * (nearly) every item known so far, any item but the target — a stream must not stop for one
   * heavy user of a young catalog.
   */
  static int negative(Vocabulary vocab, int user, int target, int numItems, SplittableRandom rng) {
    try {
      return Sampler.negative(numItems, target, i -> vocab.touched(user, i), rng, "user row " + user);
    } catch (IllegalStateException e) {
      return Sampler.negative(numItems, target, i -> false, rng, "item row " + target);
    }
  }
}
