package org.lrdstream.data;

import java.util.List;
import java.util.Locale;

/**
 * The simplest recommender, as a yardstick for a data set's held-out rows: rank each row's target
 * among its negatives by the item's number of training interactions, with the paper's protocol (a
 * tie with a negative counts against the target). It also tells how hard dev and test are relative
 * to each other: on leave-one-out splits the test targets are the users' latest items, often newer
 * and less popular in the training data than the dev targets.
 *
 * @param dev HR@5 / NDCG@5 / mean training count of the targets, on the dev rows
 * @param test the same on the test rows
 */
public record PopularityBaseline(Split dev, Split test) {

  /** Metrics of the popularity ranking on one held-out split. */
  public record Split(int rows, double hr5, double ndcg5, double hr10, double ndcg10, double meanTargetCount) {}

  public static PopularityBaseline of(Dataset d) {
    var counts = new int[d.numItems() + 1];
    for (var x : d.train()) {
      counts[x.item()]++;
    }
    return new PopularityBaseline(split(d.dev(), counts), split(d.test(), counts));
  }

  static Split split(List<HeldOut> rows, int[] counts) {
    double hr5 = 0;
    double ndcg5 = 0;
    double hr10 = 0;
    double ndcg10 = 0;
    double target = 0;
    for (var r : rows) {
      int score = counts[r.item()];
      int rank = 0;
      for (int n : r.negatives()) {
        if (counts[n] >= score) {
          rank++;
        }
      }
      double gain = 1 / (Math.log(rank + 2) / Math.log(2));
      if (rank < 5) {
        hr5++;
        ndcg5 += gain;
      }
      if (rank < 10) {
        hr10++;
        ndcg10 += gain;
      }
      target += score;
    }
    int n = Math.max(1, rows.size());
    return new Split(rows.size(), hr5 / n, ndcg5 / n, hr10 / n, ndcg10 / n, target / n);
  }

  /** Two lines for a terminal. */
  public String render() {
    return line("dev", dev) + line("test", test);
  }

  private static String line(String name, Split s) {
    return String.format(Locale.ROOT,
        "  %-5s HR@5 %.4f  NDCG@5 %.4f  HR@10 %.4f  NDCG@10 %.4f  (targets: %.1f training interactions on average)%n",
        name, s.hr5(), s.ndcg5(), s.hr10(), s.ndcg10(), s.meanTargetCount());
  }
}
