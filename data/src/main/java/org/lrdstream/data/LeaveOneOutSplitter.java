package org.lrdstream.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The paper's preprocessing protocol, shared by the MovieLens preparation and the generic import
 * (one implementation, so that both produce the same kind of split):
 *
 * <ol>
 *   <li>drop duplicate (user, item, time) rows, keeping the first;
 *   <li>keep users and items with at least {@code minCount} interactions, repeated until stable
 *       (the k-core);
 *   <li>sort by (time, user), stably, so that ties keep the source order;
 *   <li>re-index users and items from 1 in sorted order of their source ids (numerically when all
 *       ids are integers, as MovieLens ids are, otherwise as strings);
 *   <li>per user, the first interaction always stays in train, the last goes to test and the one
 *       before to dev (a user with two interactions gets no dev row, with one neither);
 *   <li>each held-out row gets {@value #NEGATIVES} negatives drawn uniformly, with replacement as in
 *       the reference code, from the items the user never interacted with, from a
 *       {@link SplittableRandom} seeded with {@code seed}: first for the test rows, then for the dev
 *       rows, each in time order.
 * </ol>
 */
public final class LeaveOneOutSplitter {
  /** Negatives per held-out row, as in the paper (Section 4.1). */
  public static final int NEGATIVES = 99;
  /** The default seed of the negative sampling. */
  public static final long DEFAULT_SEED = 0L;

  private LeaveOneOutSplitter() {}

  public static LeaveOneOutSplit split(List<RawInteraction> rows, int minCount, long seed) {
    if (minCount < 1) {
      throw new IllegalArgumentException("the minimum interaction count must be at least 1, got " + minCount);
    }
    var unique = new ArrayList<>(new LinkedHashSet<>(rows));
    int duplicates = rows.size() - unique.size();

    var kept = unique;
    int rounds = 0;
    while (true) {
      rounds++;
      var perUser = new HashMap<String, Integer>();
      var perItem = new HashMap<String, Integer>();
      for (var r : kept) {
        perUser.merge(r.user(), 1, Integer::sum);
        perItem.merge(r.item(), 1, Integer::sum);
      }
      var next = new ArrayList<RawInteraction>(kept.size());
      for (var r : kept) {
        if (perUser.get(r.user()) >= minCount && perItem.get(r.item()) >= minCount) {
          next.add(r);
        }
      }
      if (next.size() == kept.size()) {
        break;
      }
      kept = next;
    }
    if (kept.isEmpty()) {
      throw new IllegalArgumentException("no interactions are left after keeping users and items with at least "
          + minCount + " interactions (" + unique.size() + " distinct interactions before); lower the minimum count");
    }

    String[] userIds = sortedIds(kept.stream().map(RawInteraction::user).toList());
    String[] itemIds = sortedIds(kept.stream().map(RawInteraction::item).toList());
    var userIndex = index(userIds);
    var itemIndex = index(itemIds);
    int numUsers = userIds.length - 1;
    int numItems = itemIds.length - 1;

    var dense = new ArrayList<Indexed>(kept.size());
    for (var r : kept) {
      dense.add(new Indexed(userIndex.get(r.user()), itemIndex.get(r.item()), r.epochMillis()));
    }
    // List.sort is stable: ties in (time, user) keep the source order, as pandas' mergesort does.
    dense.sort(Comparator.comparingLong(Indexed::millis).thenComparingInt(Indexed::user));

    var positions = new int[numUsers + 1][];
    var counts = new int[numUsers + 1];
    dense.forEach(x -> counts[x.user]++);
    for (int u = 1; u <= numUsers; u++) {
      positions[u] = new int[counts[u]];
    }
    var fill = new int[numUsers + 1];
    for (int k = 0; k < dense.size(); k++) {
      int u = dense.get(k).user;
      positions[u][fill[u]++] = k;
    }
    // 0 = train, 1 = dev, 2 = test
    var role = new byte[dense.size()];
    var touched = new int[numUsers + 1][];
    for (int u = 1; u <= numUsers; u++) {
      var p = positions[u];
      if (p.length >= 2) {
        role[p[p.length - 1]] = 2;
      }
      if (p.length >= 3) {
        role[p[p.length - 2]] = 1;
      }
      touched[u] = Arrays.stream(p).map(k -> dense.get(k).item).distinct().sorted().toArray();
      if (touched[u].length == numItems && p.length >= 2) {
        throw new IllegalArgumentException("user " + userIds[u] + " interacted with every item ("
            + numItems + "): no negatives can be drawn for them");
      }
    }

    var train = new ArrayList<Interaction>();
    var devRows = new ArrayList<Indexed>();
    var testRows = new ArrayList<Indexed>();
    for (int k = 0; k < dense.size(); k++) {
      var x = dense.get(k);
      switch (role[k]) {
        case 0 -> train.add(new Interaction(x.user, x.item, seconds(x.millis)));
        case 1 -> devRows.add(x);
        default -> testRows.add(x);
      }
    }
    var rng = new SplittableRandom(seed);
    var test = withNegatives(testRows, touched, numItems, rng);
    var dev = withNegatives(devRows, touched, numItems, rng);
    return new LeaveOneOutSplit(numUsers, numItems, userIds, itemIds, List.copyOf(train),
        List.copyOf(dev), List.copyOf(test),
        new LeaveOneOutSplit.Counts(rows.size(), duplicates, rounds, numUsers, numItems, kept.size()));
  }

  private record Indexed(int user, int item, long millis) {}

  private static List<HeldOut> withNegatives(
      List<Indexed> rows, int[][] touched, int numItems, SplittableRandom rng) {
    var out = new ArrayList<HeldOut>(rows.size());
    for (var x : rows) {
      var negatives = new int[NEGATIVES];
      for (int j = 0; j < NEGATIVES; j++) {
        int n;
        do {
          n = rng.nextInt(1, numItems + 1);
        } while (Arrays.binarySearch(touched[x.user], n) >= 0);
        negatives[j] = n;
      }
      out.add(new HeldOut(x.user, x.item, seconds(x.millis), negatives));
    }
    return out;
  }

  private static long seconds(long millis) {
    return Math.floorDiv(millis, 1000L);
  }

  /** Distinct ids in source order: numerically when every id is an integer, else as strings. */
  static String[] sortedIds(List<String> ids) {
    var distinct = new HashSet<>(ids);
    boolean numeric = distinct.stream().allMatch(LeaveOneOutSplitter::isInteger);
    Comparator<String> order = numeric
        ? Comparator.comparing((String s) -> new java.math.BigInteger(s)).thenComparing(Comparator.naturalOrder())
        : Comparator.<String>naturalOrder();
    var sorted = new TreeSet<>(order);
    sorted.addAll(distinct);
    var out = new String[sorted.size() + 1];
    int k = 1;
    for (var id : sorted) {
      out[k++] = id;
    }
    return out;
  }

  private static boolean isInteger(String s) {
    return !s.isEmpty() && s.matches("-?\\d+");
  }

  private static Map<String, Integer> index(String[] ids) {
    var m = new HashMap<String, Integer>(ids.length * 2);
    for (int k = 1; k < ids.length; k++) {
      m.put(ids[k], k);
    }
    return m;
  }
}
