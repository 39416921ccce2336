package org.lrdstream.trainer.offline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.lrdstream.data.HeldOut;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.NativeWorkers;
import org.lrdstream.model.ScoreBatch;

/**
 * The paper's evaluation (§4.1.3): each held-out item ranked among the row's listed negatives, and
 * optionally among the whole catalog (every item the user has not interacted with before), which is
 * what a live system does.
 */
public final class Evaluator {
  private final UserHistories histories;
  private final int batchUsers;
  private final int threads;

  /** An evaluator scoring in parallel on every core ({@link #defaultThreads()}). */
  public Evaluator(UserHistories histories, int batchUsers) {
    this(histories, batchUsers, defaultThreads());
  }

  /**
   * @param batchUsers users per scoring pass; 0 = {@link #autoBatchUsers}
   * @param threads scoring threads; each runs PyTorch with one intra-op thread, which scales
   *     better than one thread with several intra-op threads on these many small operations
   */
  public Evaluator(UserHistories histories, int batchUsers, int threads) {
    this.histories = histories;
    this.batchUsers = batchUsers;
    this.threads = Math.max(1, threads);
  }

  /** (candidate, relation) rows per pass that {@link #autoBatchUsers} aims at. */
  static final int AUTO_ROWS = 4000;

  /**
   * Users per pass when none is given: about {@value #AUTO_ROWS} (candidate, relation) rows for a
   * relation-aware model, so that a pass's tensors stay in cache (8 users of 100 candidates for KDA's
   * 5 relations, 3 for KDA+LRD's 13; 16 users took 24 % longer for KDA+LRD, BENCHMARKS.md
   * "Evaluation passes by size"), and 16 users for a baseline, whose pass encodes each history once.
   */
  public static int autoBatchUsers(org.lrdstream.model.ModelConfig cfg, int relations, int candidates) {
    if (!cfg.backbone().relationAware()) {
      return 16;
    }
    return Math.max(1, (int) Math.round((double) AUTO_ROWS / ((long) Math.max(1, candidates) * Math.max(1, relations))));
  }

  private int batchUsers(LrdModel model, List<HeldOut> rows) {
    if (batchUsers > 0 || rows.isEmpty()) {
      return Math.max(1, batchUsers);
    }
    return autoBatchUsers(model.config(), model.schema().size(), 1 + rows.get(0).negatives().length);
  }

  /** {@code -Dlrd.eval.threads}, else the number of cores. */
  public static int defaultThreads() {
    return Integer.getInteger("lrd.eval.threads", Runtime.getRuntime().availableProcessors());
  }

  /** Where a held-out row sits in the user's sequence: dev right after train, test after dev. */
  private int position(HeldOut row, boolean test) {
    return histories.position(row.user(), test);
  }

  /** Ranks each row's item among its listed negatives. */
  public Metrics evaluate(LrdModel model, List<HeldOut> rows, boolean test) {
    return Metrics.of(ranks(model, rows, test));
  }

  /** The 0-based rank of each row's item among its listed negatives, in row order. */
  public int[] ranks(LrdModel model, List<HeldOut> rows, boolean test) {
    var ranks = new int[rows.size()];
    int batchUsers = batchUsers(model, rows);
    int batches = (rows.size() + batchUsers - 1) / batchUsers;
    try (var outer = new NDScope()) {
      var keys = model.keyTable();
      if (threads == 1 || batches < 2) {
        for (int k = 0; k < batches; k++) {
          rankBatch(model, rows, test, keys, k, ranks, batchUsers);
        }
        return ranks;
      }
      NativeWorkers.run(threads, batches, false, k -> rankBatch(model, rows, test, keys, k, ranks, batchUsers));
    }
    return ranks;
  }

  private void rankBatch(LrdModel model, List<HeldOut> rows, boolean test, NDArray keys, int batch, int[] ranks,
      int batchUsers) {
    int from = batch * batchUsers;
    int to = Math.min(rows.size(), from + batchUsers);
    int c = 1 + rows.get(from).negatives().length;
    var scores = scoreRows(model, rows, test, keys, from, to);
    for (int k = 0; k < to - from; k++) {
      ranks[from + k] = Metrics.rank(scores[k * c], scores, k * c + 1, (k + 1) * c);
    }
  }

  /**
   * The model's scores of each row's candidates (its item first, then its listed negatives), as
   * {@link #ranks} ranks them: one array per row. The reference the online scorer is tested against.
   */
  public float[][] scores(LrdModel model, List<HeldOut> rows, boolean test) {
    var out = new float[rows.size()][];
    int batchUsers = batchUsers(model, rows);
    try (var outer = new NDScope()) {
      var keys = model.keyTable();
      for (int from = 0; from < rows.size(); from += batchUsers) {
        int to = Math.min(rows.size(), from + batchUsers);
        int c = 1 + rows.get(from).negatives().length;
        var flat = scoreRows(model, rows, test, keys, from, to);
        for (int k = 0; k < to - from; k++) {
          out[from + k] = Arrays.copyOfRange(flat, k * c, (k + 1) * c);
        }
      }
    }
    return out;
  }

  /** Scores rows {@code from..to-1} in one batch, B×C flat, candidates = item then negatives. */
  private float[] scoreRows(LrdModel model, List<HeldOut> rows, boolean test, NDArray keys, int from, int to) {
    int n = model.config().historyMax();
    float ts = model.config().timeScalar();
    int c = 1 + rows.get(from).negatives().length;
    int b = to - from;
    var users = new long[b];
    var hist = new long[b * n];
    var intervals = new float[b * n];
    var ages = new long[b * n];
    var cands = new long[b * c];
    for (int k = 0; k < b; k++) {
      var row = rows.get(from + k);
      if (row.negatives().length != c - 1) {
        throw new IllegalArgumentException("rows must have the same number of negatives");
      }
      users[k] = row.user();
      histories.history(row.user(), position(row, test), row.time(), n, ts, hist, intervals, ages, k * n);
      cands[k * c] = row.item();
      for (int j = 0; j < c - 1; j++) {
        cands[k * c + 1 + j] = row.negatives()[j];
      }
    }
    try (var scope = new NDScope()) {
      return model.scores(model.manager(), new ScoreBatch(b, n, c, users, hist, intervals, cands, ages), keys, false)
          .toFloatArray();
    }
  }

  /**
   * Ranks each row's item among all items the user has not interacted with before it, for a
   * seeded sample of at most {@code maxUsers} rows (0 = all).
   */
  public Metrics evaluateFullCatalog(LrdModel model, List<HeldOut> rows, boolean test, int maxUsers, long seed) {
    return evaluateFullCatalog(model, rows, test, maxUsers, seed, () -> { });
  }

  /** As {@link #evaluateFullCatalog(LrdModel, List, boolean, int, long)}, calling {@code onRow} after each row. */
  public Metrics evaluateFullCatalog(LrdModel model, List<HeldOut> rows, boolean test, int maxUsers, long seed,
      Runnable onRow) {
    var sample = rows;
    if (maxUsers > 0 && rows.size() > maxUsers) {
      var idx = new SplittableRandom(seed).ints(0, rows.size()).distinct().limit(maxUsers).sorted().toArray();
      sample = Arrays.stream(idx).mapToObj(rows::get).toList();
    }
    int numItems = model.items().numItems();
    var acc = new Metrics.Accumulator();
    int n = model.config().historyMax();
    float ts = model.config().timeScalar();
    try (var outer = new NDScope()) {
      var keys = model.keyTable();
      for (var row : sample) {
        int pos = position(row, test);
        var seen = Arrays.stream(histories.items[row.user()], 0, pos).distinct().sorted().toArray();
        var hist = new long[n];
        var intervals = new float[n];
        var ages = new long[n];
        histories.history(row.user(), pos, row.time(), n, ts, hist, intervals, ages, 0);
        float target = Float.NaN;
        int rank = 0;
        // score the target first, then the rest of the catalog in chunks
        var cands = new long[numItems];
        cands[0] = row.item();
        int c = 1;
        for (int i = 1; i <= numItems; i++) {
          if (i != row.item() && Arrays.binarySearch(seen, i) < 0) {
            cands[c++] = i;
          }
        }
        float[] scores;
        try (var scope = new NDScope()) {
          var batch = new ScoreBatch(1, n, c, new long[] {row.user()}, hist, intervals, Arrays.copyOf(cands, c), ages);
          scores = model.scores(model.manager(), batch, keys, false).toFloatArray();
        }
        target = scores[0];
        rank = Metrics.rank(target, scores, 1, c);
        acc.add(rank);
        onRow.run();
      }
    }
    return acc.result();
  }
}
