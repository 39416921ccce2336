package org.lrdstream.model;

/**
 * The input of the scoring function for B examples: each a user, a history of n items (0-padded,
 * oldest first) with KDA's interval feature per history item, and C candidate items to score.
 *
 * @param users B user rows (0 = an unknown user: no user embedding)
 * @param history B×n item rows, 0 where there is no item
 * @param intervals B×n values x = max(0, log2((t − t_i)/timeScalar + 1e-6)); ignored by RCF
 * @param candidates B×C item rows
 * @param ages B×n whole seconds from each history item to the target (t − t_i, 0 where there is
 *     no item), for the models that read time intervals between history items (TiSASRec); null when
 *     the caller has no times, which only models that ignore them accept
 */
public record ScoreBatch(int size, int historyLength, int candidateCount,
    long[] users, long[] history, float[] intervals, long[] candidates, long[] ages) {

  public ScoreBatch {
    if (users.length != size || history.length != size * historyLength
        || intervals.length != size * historyLength || candidates.length != size * candidateCount
        || (ages != null && ages.length != size * historyLength)) {
      throw new IllegalArgumentException("inconsistent score batch shapes");
    }
  }

  /** Rows {@code [from, to)} of this batch. */
  public ScoreBatch slice(int from, int to) {
    int n = historyLength;
    int c = candidateCount;
    return new ScoreBatch(to - from, n, c, java.util.Arrays.copyOfRange(users, from, to),
        java.util.Arrays.copyOfRange(history, from * n, to * n), java.util.Arrays.copyOfRange(intervals, from * n, to * n),
        java.util.Arrays.copyOfRange(candidates, from * c, to * c),
        ages == null ? null : java.util.Arrays.copyOfRange(ages, from * n, to * n));
  }

  /** A batch without history times (see {@code ages}). */
  public ScoreBatch(int size, int historyLength, int candidateCount,
      long[] users, long[] history, float[] intervals, long[] candidates) {
    this(size, historyLength, candidateCount, users, history, intervals, candidates, null);
  }

  /**
   * KDA's interval feature (MODEL.md step 3) of one history item. A history item stamped after the
   * target (out-of-order data) counts as simultaneous rather than giving the log of a negative.
   */
  public static float interval(long targetSeconds, long historySeconds, float timeScalar) {
    double elapsed = Math.max(0, targetSeconds - historySeconds);
    double x = Math.log(elapsed / timeScalar + 1e-6) / Math.log(2);
    return (float) Math.max(0, x);
  }

  /** The {@code ages} entry of one history item: whole seconds before the target, never negative. */
  public static long age(long targetSeconds, long historySeconds) {
    return Math.max(0, targetSeconds - historySeconds);
  }
}
