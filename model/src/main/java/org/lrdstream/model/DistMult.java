package org.lrdstream.model;

import ai.djl.ndarray.NDArray;

/**
 * The DistMult triplet score {@code φ(h, r, t) = Σ E_h ⊙ W_r ⊙ E_t}, shared by the KGE loss (eq. 15,
 * with {@code W_r = Rel_r + E_val}) and LRD's reconstruction (eq. 5, with {@code W_r = w_i}, the
 * relation distribution's weighted relation embedding).
 */
public final class DistMult {
  private DistMult() {}

  /** All arguments …×d (broadcastable); returns the sum over the last axis. */
  public static NDArray score(NDArray head, NDArray relation, NDArray tail) {
    return head.mul(relation).mul(tail).sum(new int[] {-1});
  }
}
