package org.lrdstream.model;

import java.util.Arrays;

/**
 * Knowledge-graph triplets (head, relation, tail) with the attribute value they share ({@code
 * value} is an entity row, {@code hasValue} 1 for attribute relations and 0 otherwise) and, for
 * each, a corrupted triplet (head or tail replaced) as its negative.
 */
public record KgBatch(long[] heads, long[] relations, long[] tails, long[] values, float[] hasValue,
    long[] negativeHeads, long[] negativeTails) {

  public int size() {
    return heads.length;
  }

  /** Triplets {@code [from, to)}. */
  public KgBatch slice(int from, int to) {
    return new KgBatch(Arrays.copyOfRange(heads, from, to), Arrays.copyOfRange(relations, from, to),
        Arrays.copyOfRange(tails, from, to), Arrays.copyOfRange(values, from, to),
        Arrays.copyOfRange(hasValue, from, to), Arrays.copyOfRange(negativeHeads, from, to),
        Arrays.copyOfRange(negativeTails, from, to));
  }

  public static KgBatch empty() {
    return new KgBatch(new long[0], new long[0], new long[0], new long[0], new float[0], new long[0], new long[0]);
  }
}
