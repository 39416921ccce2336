package org.lrdstream.data;

/**
 * An item-item relation from the catalog ("also-buy", "also-view"): {@code targets[i]} lists the
 * items j such that the triplet (i, relation, j) holds.
 */
public record ItemRelation(String name, int[][] targets) {
  public long tripletCount() {
    long n = 0;
    for (int[] t : targets) {
      n += t.length;
    }
    return n;
  }
}
