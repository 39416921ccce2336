package org.lrdstream.trainer.offline;

import java.util.ArrayList;
import java.util.Arrays;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.Interaction;
import org.lrdstream.model.ScoreBatch;

/**
 * Every user's whole sequence (train, dev, test, in that order, as the reference code builds
 * histories), with the positions of the training interactions and the set of training items per
 * user (the items negatives must avoid).
 */
public final class UserHistories {
  final int[][] items;
  final long[][] times;
  /** Number of leading training interactions in each user's sequence. */
  final int[] trainLength;
  /** Sorted distinct training items per user. */
  final int[][] trainItems;

  public UserHistories(Dataset data) {
    int u = data.numUsers();
    var lists = new ArrayList<ArrayList<Interaction>>(u + 1);
    for (int i = 0; i <= u; i++) {
      lists.add(new ArrayList<>());
    }
    data.train().forEach(x -> lists.get(x.user()).add(x));
    trainLength = new int[u + 1];
    for (int i = 0; i <= u; i++) {
      trainLength[i] = lists.get(i).size();
    }
    data.dev().forEach(x -> lists.get(x.user()).add(x.interaction()));
    data.test().forEach(x -> lists.get(x.user()).add(x.interaction()));
    items = new int[u + 1][];
    times = new long[u + 1][];
    trainItems = new int[u + 1][];
    for (int i = 0; i <= u; i++) {
      var l = lists.get(i);
      items[i] = l.stream().mapToInt(Interaction::item).toArray();
      times[i] = l.stream().mapToLong(Interaction::time).toArray();
      trainItems[i] = Arrays.stream(items[i], 0, trainLength[i]).distinct().sorted().toArray();
    }
  }

  public int users() {
    return items.length - 1;
  }

  /** Where a held-out row sits in the user's sequence: dev right after train, test after dev. */
  public int position(int user, boolean test) {
    return trainLength[user] + (test ? 1 : 0);
  }

  /** The items of a user's sequence before position {@code pos}, oldest first. */
  public int[] itemsBefore(int user, int pos) {
    return Arrays.copyOf(items[user], pos);
  }

  /** The times of a user's sequence before position {@code pos}. */
  public long[] timesBefore(int user, int pos) {
    return Arrays.copyOf(times[user], pos);
  }

  boolean touched(int user, int item) {
    return Arrays.binarySearch(trainItems[user], item) >= 0;
  }

  /**
   * Writes the history before position {@code pos} of a user's sequence (the last {@code n} items,
   * oldest first, 0-padded at the end) and its interval features relative to {@code targetTime}.
   */
  public void history(int user, int pos, long targetTime, int n, float timeScalar, long[] hist, float[] intervals, int offset) {
    history(user, pos, targetTime, n, timeScalar, hist, intervals, null, offset);
  }

  /** As above, also filling {@code ages} (seconds before the target, {@code ScoreBatch.ages}) when not null. */
  public void history(int user, int pos, long targetTime, int n, float timeScalar, long[] hist, float[] intervals,
      long[] ages, int offset) {
    int from = Math.max(0, pos - n);
    for (int k = 0; k < n; k++) {
      int i = from + k;
      if (i < pos) {
        hist[offset + k] = items[user][i];
        intervals[offset + k] = ScoreBatch.interval(targetTime, times[user][i], timeScalar);
        if (ages != null) {
          ages[offset + k] = ScoreBatch.age(targetTime, times[user][i]);
        }
      } else {
        hist[offset + k] = 0;
        intervals[offset + k] = 0;
        if (ages != null) {
          ages[offset + k] = 0;
        }
      }
    }
  }
}
