package org.lrdstream.trainer.analysis;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.HeldOut;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ScoreBatch;
import org.lrdstream.trainer.offline.Metrics;
import org.lrdstream.trainer.offline.UserHistories;

/**
 * One user's recommendation explained (the paper's Figure 5): their history, the held-out target's
 * rank among its listed candidates with LRD and under the vanilla backbone, for each history item
 * the relation that links it to the target — by LRD's classifier and by the model's own relation
 * intensities — and the top recommendations over the whole catalog with their reasons.
 */
public final class CaseStudy {
  private CaseStudy() {}

  /**
   * A history item and how it relates to the target.
   *
   * @param lrdRelation the LRD classifier's most probable relation for (item, target), or null
   *     without an LRD head
   * @param intensityRelation the relation whose intensity for this item (in the target's score) is
   *     highest: what the model actually used
   */
  public record HistoryItem(int item, long time, String lrdRelation, double lrdProbability,
      String intensityRelation, double intensity) {}

  /** A recommended item and the (relation, history item) with the largest intensity for it. */
  public record Recommended(int item, double score, String relation, int becauseOf) {}

  /**
   * @param baselineRank the target's 0-based rank under the baseline model, or -1 without one
   */
  public record Result(int user, boolean test, int target, List<HistoryItem> history, int rank,
      int candidates, int baselineRank, List<Recommended> top, List<Recommended> baselineTop) {}

  public static Result explain(LrdModel model, LrdModel baseline, Dataset data, int user, boolean test, int topK) {
    if (user < 1 || user > data.numUsers()) {
      throw new IllegalArgumentException("no user " + user + " in " + data.name() + " (users are 1.." + data.numUsers() + ")");
    }
    var rows = test ? data.test() : data.dev();
    HeldOut row = rows.stream().filter(r -> r.user() == user).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("user " + user + " has no " + (test ? "test" : "dev") + " row"));
    var histories = new UserHistories(data);
    int pos = histories.position(user, test);
    var items = histories.itemsBefore(user, pos);
    var times = histories.timesBefore(user, pos);
    var candidates = new long[1 + row.negatives().length];
    candidates[0] = row.item();
    for (int k = 0; k < row.negatives().length; k++) {
      candidates[k + 1] = row.negatives()[k];
    }
    var scored = forward(model, histories, user, pos, row.time(), candidates);
    int rank = Metrics.rank(scored.scores[0], scored.scores, 1, candidates.length);
    int baselineRank = -1;
    if (baseline != null) {
      var b = forward(baseline, histories, user, pos, row.time(), candidates);
      baselineRank = Metrics.rank(b.scores[0], b.scores, 1, candidates.length);
    }
    // history items against the target: the intensities of candidate 0, and LRD's classifier
    var names = model.schema().names();
    int r = names.size();
    int n = model.config().historyMax();
    int from = Math.max(0, pos - n);
    float[] q = null;
    if (model.config().lrdEnabled() && pos > from) {
      var heads = new long[pos - from];
      var tails = new long[pos - from];
      for (int i = from; i < pos; i++) {
        heads[i - from] = items[i];
        tails[i - from] = row.item();
      }
      try (NDManager m = model.manager().newSubManager()) {
        q = model.relationDistribution(m, heads, tails).toFloatArray();
      }
    }
    var history = new ArrayList<HistoryItem>();
    for (int i = 0; i < pos; i++) {
      String lrdRel = null;
      double lrdP = Double.NaN;
      String intRel = null;
      double intensity = Double.NaN;
      if (i >= from) {
        int slot = i - from;
        int bestR = 0;
        for (int k = 1; k < r; k++) {
          if (scored.intensity(0, k, slot) > scored.intensity(0, bestR, slot)) {
            bestR = k;
          }
        }
        intRel = names.get(bestR);
        intensity = scored.intensity(0, bestR, slot);
        if (q != null) {
          int bq = 0;
          for (int k = 1; k < r; k++) {
            if (q[slot * r + k] > q[slot * r + bq]) {
              bq = k;
            }
          }
          lrdRel = names.get(bq);
          lrdP = q[slot * r + bq];
        }
      }
      history.add(new HistoryItem(items[i], times[i], lrdRel, lrdP, intRel, intensity));
    }
    var seen = Arrays.stream(items).distinct().sorted().toArray();
    var top = topOfCatalog(model, histories, user, pos, row.time(), seen, topK);
    var baselineTop = baseline == null ? List.<Recommended>of() : topOfCatalog(baseline, histories, user, pos, row.time(), seen, topK);
    return new Result(user, test, row.item(), history, rank, candidates.length, baselineRank, top, baselineTop);
  }

  private static List<Recommended> topOfCatalog(LrdModel model, UserHistories histories, int user, int pos, long time,
      int[] seen, int topK) {
    int numItems = model.items().numItems();
    var cands = new long[numItems];
    int c = 0;
    for (int i = 1; i <= numItems; i++) {
      if (Arrays.binarySearch(seen, i) < 0) {
        cands[c++] = i;
      }
    }
    var s = forward(model, histories, user, pos, time, Arrays.copyOf(cands, c));
    var order = new ArrayList<Integer>();
    for (int k = 0; k < c; k++) {
      order.add(k);
    }
    order.sort(Comparator.comparingDouble((Integer k) -> -s.scores[k]).thenComparingInt(k -> k));
    var names = model.schema().names();
    var out = new ArrayList<Recommended>();
    for (int k : order.subList(0, Math.min(topK, c))) {
      int bestR = 0;
      int bestI = 0;
      for (int rr = 0; rr < names.size(); rr++) {
        for (int i = 0; i < s.n; i++) {
          if (s.intensity(k, rr, i) > s.intensity(k, bestR, bestI)) {
            bestR = rr;
            bestI = i;
          }
        }
      }
      out.add(new Recommended((int) cands[k], s.scores[k], names.get(bestR), (int) s.history[bestI]));
    }
    return out;
  }

  private record Scored(float[] scores, float[] intensities, int r, int n, long[] history) {
    float intensity(int candidate, int relation, int slot) {
      return intensities[((candidate * r) + relation) * n + slot];
    }
  }

  private static Scored forward(LrdModel model, UserHistories histories, int user, int pos, long time, long[] candidates) {
    int n = model.config().historyMax();
    var hist = new long[n];
    var intervals = new float[n];
    var ages = new long[n];
    histories.history(user, pos, time, n, model.config().timeScalar(), hist, intervals, ages, 0);
    long u = user <= model.numUsers() ? user : 0;
    // every array made here, the key table's included, is freed when the scope closes
    try (var scope = new NDScope()) {
      var keys = model.keyTable();
      var f = model.forward(model.manager(), new ScoreBatch(1, n, candidates.length, new long[] {u}, hist, intervals, candidates, ages), keys, false);
      return new Scored(f.scores().toFloatArray(), f.intensities().toFloatArray(), model.schema().size(), n, hist);
    }
  }
}
