package org.lrdstream.trainer.online;

/**
 * One training example of the online trainer, in rows of the vocabulary (which never move): a
 * user, the history before the event (item rows, oldest first, 0-padded at the end, as the offline
 * sampler lays it out) with KDA's interval feature and the age in seconds ({@code ScoreBatch.ages})
 * of each history item, and the event's item.
 */
public record Example(int user, int target, long[] history, float[] intervals, long[] ages) {
  /** An example without history times (models that read them refuse it). */
  public Example(int user, int target, long[] history, float[] intervals) {
    this(user, target, history, intervals, null);
  }
}
