package org.lrdstream.scorer.serving;

/** How the scorer's catalog-wide retrieval summarises a history before its dot product with every item. */
public enum Retrieval {
  /** {@code U_u + mean_i E_vi}: the history's mean item embedding. */
  MEAN,
  /**
   * The model's own forward pass with uniform relation intensities (KDA's decay, the relation
   * self-attention and the pooling kept): {@link org.lrdstream.model.LrdModel#retrievalQuery}.
   * One forward pass per event, of a single candidate's cost.
   */
  MODEL
}
