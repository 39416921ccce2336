package org.lrdstream.model;

/**
 * The input of the scoring function for B examples: each a user, a history of n items (0-padded,
 * oldest first) with KDA's interval feature per history item, and C candidate items to score.
 *
 * @param users B user rows (0 = an unknown user: no user embedding)
 * @param history B×n item rows, 0 where there is no item
 * @param intervals B×n values x = max(0, log2((t − t_i)/timeScalar + 1e-6)); ignored by RCF
 * @param candidates B×C item rows
 */
public record ScoreBatch(int size, int historyLength, int candidateCount,
    long[] users, long[] history, float[] intervals, long[] candidates) {

  public ScoreBatch {
    if (users.length != size || history.length != size * historyLength
        || intervals.length != size * historyLength || candidates.length != size * candidateCount) {
      throw new IllegalArgumentException("inconsistent score batch shapes");
    }
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
}
