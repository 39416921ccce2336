package org.lrdstream.model;

import java.util.List;
import org.lrdstream.data.Attribute;

/**
 * The fixed per-item inputs of a model: each item's attribute values as entity rows (for the
 * attribute relations' value embeddings, MODEL.md step 1) and its frozen text vector.
 *
 * @param numItems items are rows 1..numItems (0 is padding)
 * @param attributeOffsets entity row of value 1 of each attribute
 * @param numEntities items + padding + all attribute values
 * @param valueSlots the widest multi-valued attribute (values per item)
 * @param valueIndex (numItems+1)×attributes×valueSlots entity rows (0 where unused)
 * @param valueWeight same shape: 1/count for used slots (a multi-valued attribute's value
 *     embedding is the mean of its values), 0 elsewhere
 * @param textDim dimension p of the text vectors (0 when there are none)
 * @param textVectors (numItems+1)×p, row 0 zero
 */
public record ItemTables(int numItems, int[] attributeOffsets, int[] attributeSizes, int numEntities,
    int valueSlots, long[] valueIndex, float[] valueWeight, int textDim, float[] textVectors) {

  public int attributeCount() {
    return attributeOffsets.length;
  }

  /** Entity row of value v (1-based) of attribute a. */
  public long entityOf(int attribute, int value) {
    return attributeOffsets[attribute] + value - 1;
  }

  public static ItemTables of(int numItems, List<Attribute> attributes, float[][] texts) {
    int na = attributes.size();
    var offsets = new int[na];
    var sizes = new int[na];
    int next = numItems + 1;
    int slots = 1;
    for (int a = 0; a < na; a++) {
      offsets[a] = next;
      sizes[a] = attributes.get(a).numValues();
      next += sizes[a];
      for (int[] vs : attributes.get(a).values()) {
        slots = Math.max(slots, vs == null ? 0 : vs.length);
      }
    }
    var index = new long[(numItems + 1) * na * slots];
    var weight = new float[index.length];
    for (int a = 0; a < na; a++) {
      var values = attributes.get(a).values();
      for (int i = 0; i <= numItems && i < values.length; i++) {
        var vs = values[i];
        if (vs == null) {
          continue;
        }
        for (int k = 0; k < vs.length; k++) {
          int at = (i * na + a) * slots + k;
          index[at] = offsets[a] + vs[k] - 1L;
          weight[at] = 1f / vs.length;
        }
      }
    }
    int p = texts == null || texts.length == 0 ? 0 : texts[texts.length > 1 ? 1 : 0].length;
    var flat = new float[(numItems + 1) * p];
    if (p > 0) {
      for (int i = 1; i <= numItems && i < texts.length; i++) {
        if (texts[i] != null) {
          System.arraycopy(texts[i], 0, flat, i * p, p);
        }
      }
    }
    return new ItemTables(numItems, offsets, sizes, next, slots, index, weight, p, flat);
  }
}
