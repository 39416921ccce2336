package org.lrdstream.trainer.offline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.lrdstream.data.Catalog;
import org.lrdstream.model.ItemTables;
import org.lrdstream.model.KgBatch;
import org.lrdstream.model.KgSampling;
import org.lrdstream.model.RelationSchema;

/**
 * The predefined relational triplets of a catalog, sampled for the KGE loss (MODEL.md): item-item
 * triplets from the catalog lists, and attribute triplets (item, share-attr, another item with the
 * same value) with the shared value. What is uniform depends on the {@link KgSampling}: the rows of
 * the reference code (each item-item pair, each (item, attribute, value)), or every ordered item
 * pair. A negative corrupts the head or the tail (p = ½), re-drawn while the corrupted triplet is a
 * known one.
 */
public final class KnowledgeGraph {
  private final Catalog catalog;
  private final RelationSchema schema;
  private final ItemTables tables;
  private final int numItems;
  private final KgSampling sampling;
  /** Item-relation triplets, flattened: relation-local index k → (head, tail). */
  private final List<int[]> itemHeads = new ArrayList<>();
  private final List<int[]> itemTails = new ArrayList<>();
  private final List<Set<Long>> itemKnown = new ArrayList<>();
  /** Per attribute, per value: the items having it. */
  private final List<int[][]> valueMembers = new ArrayList<>();
  /** Per attribute, its (item, value) rows ({@link KgSampling#ROWS}): row k is (rowItems[k], rowValues[k]). */
  private final List<int[]> rowItems = new ArrayList<>();
  private final List<int[]> rowValues = new ArrayList<>();
  /**
   * Cumulative triplet counts over the "groups": each item relation, then each (attribute, value)
   * ({@code PAIRS}) or each attribute ({@code ROWS}, {@code groupValue} -1).
   */
  private final double[] cumulative;
  private final int[] groupRelation;
  private final int[] groupValue;
  private final long total;

  /** The reference code's sampling ({@link KgSampling#ROWS}). */
  public KnowledgeGraph(Catalog catalog, RelationSchema schema, ItemTables tables) {
    this(catalog, schema, tables, KgSampling.ROWS);
  }

  public KnowledgeGraph(Catalog catalog, RelationSchema schema, ItemTables tables, KgSampling sampling) {
    this.sampling = sampling;
    this.catalog = catalog;
    this.schema = schema;
    this.tables = tables;
    this.numItems = catalog.numItems();
    var counts = new ArrayList<Double>();
    var rels = new ArrayList<Integer>();
    var vals = new ArrayList<Integer>();
    for (int k = 0; k < catalog.relations().size(); k++) {
      var t = catalog.relations().get(k).targets();
      var heads = new ArrayList<Integer>();
      var tails = new ArrayList<Integer>();
      var known = new HashSet<Long>();
      for (int i = 0; i < t.length; i++) {
        for (int j : t[i]) {
          if (j != i && j <= numItems) {
            heads.add(i);
            tails.add(j);
            known.add(key(i, j));
          }
        }
      }
      itemHeads.add(heads.stream().mapToInt(Integer::intValue).toArray());
      itemTails.add(tails.stream().mapToInt(Integer::intValue).toArray());
      itemKnown.add(known);
      counts.add((double) heads.size());
      rels.add(k);
      vals.add(-1);
    }
    for (int a = 0; a < catalog.attributes().size(); a++) {
      var attr = catalog.attributes().get(a);
      var members = new ArrayList<List<Integer>>();
      for (int v = 0; v <= attr.numValues(); v++) {
        members.add(new ArrayList<>());
      }
      for (int i = 1; i <= numItems && i < attr.values().length; i++) {
        for (int v : attr.values()[i]) {
          members.get(v).add(i);
        }
      }
      var arr = new int[attr.numValues() + 1][];
      var rowItem = new ArrayList<Integer>();
      var rowValue = new ArrayList<Integer>();
      for (int v = 0; v <= attr.numValues(); v++) {
        arr[v] = members.get(v).stream().mapToInt(Integer::intValue).toArray();
        long c = arr[v].length;
        if (sampling == KgSampling.PAIRS && v > 0 && c > 1) {
          counts.add((double) (c * (c - 1)));
          rels.add(-1 - a);
          vals.add(v);
        }
        if (v > 0) {
          for (int i : arr[v]) {
            rowItem.add(i);
            rowValue.add(v);
          }
        }
      }
      valueMembers.add(arr);
      rowItems.add(rowItem.stream().mapToInt(Integer::intValue).toArray());
      rowValues.add(rowValue.stream().mapToInt(Integer::intValue).toArray());
      if (sampling == KgSampling.ROWS && !rowItem.isEmpty()) {
        counts.add((double) rowItem.size());
        rels.add(-1 - a);
        vals.add(-1);
      }
    }
    cumulative = new double[counts.size()];
    double acc = 0;
    for (int g = 0; g < counts.size(); g++) {
      acc += counts.get(g);
      cumulative[g] = acc;
    }
    total = (long) acc;
    groupRelation = rels.stream().mapToInt(Integer::intValue).toArray();
    groupValue = vals.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Number of triplets: item-item pairs plus, for {@code ROWS}, the (item, attribute, value) rows,
   * for {@code PAIRS}, the ordered pairs of distinct items sharing a value.
   */
  public long size() {
    return total;
  }

  private static long key(int h, int t) {
    return ((long) h << 32) | t;
  }

  /** Whether (h, relation row, t) holds. */
  public boolean known(int h, int relationRow, int t) {
    if (relationRow >= schema.firstItemRelation() && relationRow < schema.firstLatent()) {
      return itemKnown.get(relationRow - schema.firstItemRelation()).contains(key(h, t));
    }
    int a = relationRow - schema.firstAttribute();
    return h != t && sharesAny(catalog.attributes().get(a).values(), h, t);
  }

  private static boolean sharesAny(int[][] values, int h, int t) {
    for (int x : values[h]) {
      for (int y : values[t]) {
        if (x == y) {
          return true;
        }
      }
    }
    return false;
  }

  /** A batch of {@code count} triplets with corrupted twins. */
  public KgBatch sample(int count, SplittableRandom rng) {
    if (total == 0 || count == 0) {
      return KgBatch.empty();
    }
    var heads = new long[count];
    var rels = new long[count];
    var tails = new long[count];
    var values = new long[count];
    var hasValue = new float[count];
    var negHeads = new long[count];
    var negTails = new long[count];
    for (int s = 0; s < count; s++) {
      double pick = rng.nextDouble() * cumulative[cumulative.length - 1];
      int g = java.util.Arrays.binarySearch(cumulative, pick);
      g = g < 0 ? -g - 1 : Math.min(g + 1, cumulative.length - 1);
      int h;
      int t;
      int row;
      if (groupRelation[g] >= 0) {
        int k = groupRelation[g];
        int idx = rng.nextInt(itemHeads.get(k).length);
        h = itemHeads.get(k)[idx];
        t = itemTails.get(k)[idx];
        row = schema.firstItemRelation() + k;
      } else {
        int a = -1 - groupRelation[g];
        int v = groupValue[g];
        if (v < 0) {
          // ROWS: an (item, value) row, its tail another item with that value (itself when alone)
          int k = rng.nextInt(rowItems.get(a).length);
          h = rowItems.get(a)[k];
          v = rowValues.get(a)[k];
          var members = valueMembers.get(a)[v];
          t = h;
          if (members.length > 1) {
            do {
              t = members[rng.nextInt(members.length)];
            } while (t == h);
          }
        } else {
          var members = valueMembers.get(a)[v];
          int x = rng.nextInt(members.length);
          int y = rng.nextInt(members.length - 1);
          if (y >= x) {
            y++;
          }
          h = members[x];
          t = members[y];
        }
        row = schema.firstAttribute() + a;
        values[s] = tables.entityOf(a, v);
        hasValue[s] = 1f;
      }
      heads[s] = h;
      rels[s] = row;
      tails[s] = t;
      int nh = h;
      int nt = t;
      for (int attempt = 0; attempt < 100; attempt++) {
        nh = h;
        nt = t;
        if (rng.nextBoolean()) {
          nh = 1 + rng.nextInt(numItems);
        } else {
          nt = 1 + rng.nextInt(numItems);
        }
        if (!known(nh, row, nt)) {
          break;
        }
      }
      negHeads[s] = nh;
      negTails[s] = nt;
    }
    return new KgBatch(heads, rels, tails, values, hasValue, negHeads, negTails);
  }
}
