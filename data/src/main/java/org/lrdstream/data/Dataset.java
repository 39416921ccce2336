package org.lrdstream.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sequential-recommendation data set in the leave-one-out layout of the paper: the training
 * interactions (time-ordered), one dev and one test row per user, and the item catalog. User ids are
 * {@code 1..numUsers}, item ids {@code 1..numItems}.
 */
public record Dataset(
    String name,
    int numUsers,
    int numItems,
    List<Interaction> train,
    List<HeldOut> dev,
    List<HeldOut> test,
    Catalog catalog) {

  /**
   * Every user's whole sequence in time order: train, then dev, then test, as the reference code
   * builds histories (a dev row's history is the user's training items; a test row's adds the dev
   * item). Stable: ties keep file order.
   */
  public int[][] sequences() {
    var lists = new ArrayList<List<Interaction>>(numUsers + 1);
    for (int u = 0; u <= numUsers; u++) {
      lists.add(new ArrayList<>());
    }
    train.forEach(x -> lists.get(x.user()).add(x));
    dev.forEach(x -> lists.get(x.user()).add(x.interaction()));
    test.forEach(x -> lists.get(x.user()).add(x.interaction()));
    var out = new int[numUsers + 1][];
    for (int u = 0; u <= numUsers; u++) {
      out[u] = lists.get(u).stream().mapToInt(Interaction::item).toArray();
    }
    return out;
  }

  /** The items each user interacted with anywhere (train, dev, test), sorted, for negative sampling. */
  public int[][] itemsPerUser() {
    var seq = sequences();
    var out = new int[seq.length][];
    for (int u = 0; u < seq.length; u++) {
      out[u] = Arrays.stream(seq[u]).distinct().sorted().toArray();
    }
    return out;
  }

  /** A one-line summary for logs and reports. */
  public String summary() {
    return String.format(
        "%s: %,d users, %,d items, %,d train / %,d dev / %,d test interactions, relations %s",
        name, numUsers, numItems, train.size(), dev.size(), test.size(),
        catalog.predefinedRelationNames());
  }
}
