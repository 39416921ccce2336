package org.lrdstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Relation-aware attention over the history (MODEL.md steps 1, 2 and 4; the paper's eq. 6/12):
 * the key of candidate j for relation r is {@code k_rj = (Rel_r + val_r(j)) ⊙ E_j}; the intensity
 * of history item i is {@code a_ir = softmax_i(E_vi · k_rj)} over the valid history; the
 * per-relation history vector is {@code s_r = Σ_i a_ir E_vi}.
 */
public final class RelationAttention {
  private RelationAttention() {}

  /**
   * Keys of every item for every relation: {@code (values + Rel) ⊙ E_items} where values holds each
   * item's attribute value embedding in the rows of the attribute relations and 0 elsewhere.
   *
   * @param itemEmb (N+1)×d item embeddings
   * @param relations R×d relation embeddings
   * @param values (N+1)×R×d value embeddings per relation (0 for non-attribute relations)
   * @return (N+1)×R×d
   */
  public static NDArray keyTable(NDArray itemEmb, NDArray relations, NDArray values) {
    return values.add(relations).mul(itemEmb.expandDims(1));
  }

  /**
   * Value embeddings of each item per relation: the mean of the item's values of an attribute in
   * that attribute's relation row, zeros in the other rows.
   *
   * @param valueEmb (N+1)×A×S×d entity embeddings of each item's value slots
   * @param valueWeight (N+1)×A×S weights (1/count, 0 for unused slots)
   * @param relationCount R; the attribute rows are 1..A
   */
  public static NDArray valueTable(NDArray valueEmb, NDArray valueWeight, int relationCount) {
    var perAttr = valueEmb.mul(valueWeight.expandDims(3)).sum(new int[] {2}); // (N+1, A, d)
    long n = perAttr.getShape().get(0);
    long a = perAttr.getShape().get(1);
    long d = perAttr.getShape().get(2);
    var manager = perAttr.getManager();
    var parts = new NDList();
    parts.add(manager.zeros(new ai.djl.ndarray.types.Shape(n, 1, d)));
    parts.add(perAttr);
    if (relationCount - 1 - a > 0) {
      parts.add(manager.zeros(new ai.djl.ndarray.types.Shape(n, relationCount - 1 - a, d)));
    }
    return NDArrays.concat(parts, 1);
  }

  /**
   * Relation intensities.
   *
   * @param keys B×C×R×d keys of the candidates
   * @param history B×n×d history item embeddings
   * @param mask B×n, 1 for a real history item, 0 for padding
   * @return B×C×R×n, each row a softmax over the valid history
   */
  public static NDArray intensities(NDArray keys, NDArray history, NDArray mask) {
    var s = keys.getShape();
    long b = s.get(0);
    long c = s.get(1);
    long r = s.get(2);
    long d = s.get(3);
    long n = history.getShape().get(1);
    var logits = keys.reshape(b, c * r, d).matMul(history.transpose(0, 2, 1)); // B, C·R, n
    var blocked = mask.sub(1f).mul(1e9f).expandDims(1); // 0 where valid, -1e9 where padding
    return logits.add(blocked).softmax(2).reshape(b, c, r, n);
  }

  /**
   * Per-relation history vectors.
   *
   * @param intensities B×C×R×n
   * @param history B×n×d
   * @return B×C×R×d
   */
  public static NDArray aggregate(NDArray intensities, NDArray history) {
    var s = intensities.getShape();
    long b = s.get(0);
    long c = s.get(1);
    long r = s.get(2);
    long n = s.get(3);
    long d = history.getShape().get(2);
    return intensities.reshape(b, c * r, n).matMul(history).reshape(b, c, r, d);
  }
}
