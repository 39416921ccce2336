package org.lrdstream.trainer.offline;

import java.util.ArrayList;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.lrdstream.model.KgBatch;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ScoreBatch;
import org.lrdstream.model.TrainBatch;

/**
 * Turns training interactions into training batches: every training interaction with a non-empty
 * history is an example (history before → item), with sampled negatives the user never trained on
 * (the reference code's sampling), LRD's negative history items, and KG triplets.
 */
public final class Sampler {
  private final UserHistories histories;
  private final KnowledgeGraph graph;
  private final ModelConfig config;
  private final int numItems;
  private final int[] exampleUser;
  private final int[] examplePos;

  public Sampler(UserHistories histories, KnowledgeGraph graph, ModelConfig config, int numItems) {
    this.histories = histories;
    this.graph = graph;
    this.config = config;
    this.numItems = numItems;
    var users = new ArrayList<Integer>();
    var pos = new ArrayList<Integer>();
    for (int u = 1; u <= histories.users(); u++) {
      for (int p = 1; p < histories.trainLength[u]; p++) {
        users.add(u);
        pos.add(p);
      }
    }
    exampleUser = users.stream().mapToInt(Integer::intValue).toArray();
    examplePos = pos.stream().mapToInt(Integer::intValue).toArray();
  }

  public int exampleCount() {
    return exampleUser.length;
  }

  /** A random permutation of the examples for one epoch. */
  public int[] shuffled(SplittableRandom rng) {
    var order = new int[exampleUser.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  public TrainBatch batch(int[] order, int from, int to, SplittableRandom rng) {
    int b = to - from;
    int n = config.historyMax();
    int c = 1 + config.trainNegatives();
    var users = new long[b];
    var hist = new long[b * n];
    var intervals = new float[b * n];
    var ages = new long[b * n];
    var cands = new long[b * c];
    var lrdNeg = new long[b * n];
    for (int k = 0; k < b; k++) {
      int e = order[from + k];
      int u = exampleUser[e];
      int p = examplePos[e];
      users[k] = u;
      int target = histories.items[u][p];
      histories.history(u, p, histories.times[u][p], n, config.timeScalar(), hist, intervals, ages, k * n);
      cands[k * c] = target;
      for (int j = 1; j < c; j++) {
        cands[k * c + j] = negative(u, target, rng);
      }
      for (int i = 0; i < n; i++) {
        lrdNeg[k * n + i] = hist[k * n + i] == 0 ? 0 : negative(u, target, rng);
      }
    }
    var examples = new ScoreBatch(b, n, c, users, hist, intervals, cands, ages);
    KgBatch kg = config.gammaKge() > 0 ? graph.sample(b, rng) : KgBatch.empty();
    return new TrainBatch(examples, lrdNeg, kg);
  }

  private int negative(int user, int target, SplittableRandom rng) {
    return negative(numItems, target, i -> histories.touched(user, i), rng, "user " + user);
  }

  /**
   * A uniformly drawn item of {@code 1..numItems} that is neither {@code target} nor touched: the
   * reference code's negative sampling, shared with the online trainer.
   */
  public static int negative(int numItems, int target, IntPredicate touched, SplittableRandom rng, String who) {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int i = 1 + rng.nextInt(numItems);
      if (i != target && !touched.test(i)) {
        return i;
      }
    }
    throw new IllegalStateException(who + " has touched (nearly) every item: no negative to sample");
  }
}
