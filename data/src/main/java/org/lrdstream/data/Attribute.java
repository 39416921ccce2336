package org.lrdstream.data;

/**
 * A discrete item attribute ("category", "brand", "year", "genre"): items that share one of its
 * values are related by the predefined relation "share-&lt;name&gt;". {@code values[item]} lists the
 * item's value ids in {@code 1..numValues} (empty when unknown; several for a multi-valued
 * attribute such as MovieLens genres).
 */
public record Attribute(String name, int numValues, int[][] values) {
  public String relationName() {
    return "share-" + name;
  }

  /**
   * The number of (item, share-name, value) rows: one per value of each item, as the reference
   * code lists attribute triplets before it turns each into an item pair ({@code KgSampling.ROWS}).
   */
  public long rowCount() {
    long n = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] != null) {
        for (int v : values[i]) {
          if (v >= 1 && v <= numValues) {
            n++;
          }
        }
      }
    }
    return n;
  }

  /**
   * The number of triplets (i, share-name, j) this attribute makes: ordered pairs of distinct items
   * that share at least one value.
   */
  public long tripletCount() {
    var itemsOf = new java.util.ArrayList<java.util.List<Integer>>();
    for (int v = 0; v <= numValues; v++) {
      itemsOf.add(new java.util.ArrayList<>());
    }
    boolean multi = false;
    for (int i = 1; i < values.length; i++) {
      var vs = values[i] == null ? new int[0] : values[i];
      multi |= vs.length > 1;
      for (int v : vs) {
        if (v >= 1 && v <= numValues) {
          itemsOf.get(v).add(i);
        }
      }
    }
    long n = 0;
    if (!multi) {
      for (var group : itemsOf) {
        n += (long) group.size() * (group.size() - 1);
      }
      return n;
    }
    // Items sharing several values count once: mark each item's neighbours with a stamp.
    var stamp = new int[values.length];
    for (int i = 1; i < values.length; i++) {
      var vs = values[i] == null ? new int[0] : values[i];
      for (int v : vs) {
        if (v < 1 || v > numValues) {
          continue;
        }
        for (int j : itemsOf.get(v)) {
          if (j != i && stamp[j] != i) {
            stamp[j] = i;
            n++;
          }
        }
      }
    }
    return n;
  }
}
