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
}
